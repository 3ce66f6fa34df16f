"""Every view declares what it touches; the middleware refuses views that do not.

`@scoped("personal")`: the view shows people or records; it must query through `restrict`.
`@scoped("aggregate")`: the view shows counts or facilities within the user's region.
`@signed_in(reason)`: any signed-in user; no region data (own profile, password).
`@public(reason)`: no sign-in needed (login page, health check).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from posyandu.accounts.scope import Kind, scope_for


@dataclass(frozen=True)
class ScopeDeclaration:
    kind: str  # personal | aggregate | signed_in | public
    reason: str = ""


def _declare(view: Callable, declaration: ScopeDeclaration) -> Callable:
    # A function takes attributes at runtime; declaration_of() reads it back.
    view.scope_declaration = declaration  # type: ignore[attr-defined]
    return view


def scoped(kind: Kind) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not scope_for(request.user).access(kind):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _declare(wrapper, ScopeDeclaration(kind))

    return decorator


def signed_in(reason: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return _declare(wrapper, ScopeDeclaration("signed_in", reason))

    return decorator


def public(reason: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        return _declare(view, ScopeDeclaration("public", reason))

    return decorator


def declaration_of(view: Callable) -> ScopeDeclaration | None:
    """The declaration of a view function or class-based view (`as_view()` result)."""
    found = getattr(view, "scope_declaration", None)
    view_class = getattr(view, "view_class", None)
    if found is None and view_class is not None:
        found = getattr(view_class, "scope_declaration", None)
    return found
