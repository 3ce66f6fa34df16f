"""Scope checks for django-ninja operations (the API's twin of decorators.scoped)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError

from posyandu.accounts.decorators import ScopeDeclaration, _declare
from posyandu.accounts.scope import Kind, scope_for


def api_scoped(kind: Kind) -> Callable[[Callable], Callable]:
    def decorator(operation: Callable) -> Callable:
        @wraps(operation)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not scope_for(request.user).access(kind):
                raise HttpError(403, "Anda tidak berwenang melihat data ini.")
            return operation(request, *args, **kwargs)

        return _declare(wrapper, ScopeDeclaration(kind))

    return decorator


def api_signed_in(reason: str) -> Callable[[Callable], Callable]:
    def decorator(operation: Callable) -> Callable:
        return _declare(operation, ScopeDeclaration("signed_in", reason))

    return decorator
