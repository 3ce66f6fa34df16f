from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import declaration_of

# URL namespaces whose own machinery guards them; each with the reason.
GUARDED_ELSEWHERE = {
    "admin": "Django admin: staff accounts only, enforced by the admin site itself",
    "api-1": "django-ninja API: each operation declares its scope (api_scoped, api_signed_in)",
}


class ScopeRequiredMiddleware:
    """Deny by default: a view that declares no scope is never served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if declaration_of(view) is not None:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if any(ns in GUARDED_ELSEWHERE for ns in match.namespaces):
            return None
        return HttpResponseForbidden(_("This page declares no access scope and is closed."))
