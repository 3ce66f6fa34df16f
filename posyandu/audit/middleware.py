from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from posyandu.audit.context import Actor, acting_as


class AuditContextMiddleware:
    """Makes the signed-in user and their address the actor of every audit event."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = Actor(
            user=request.user,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            via="api" if request.path.startswith("/api/") else "web",
        )
        with acting_as(actor):
            return self.get_response(request)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy set REMOTE_ADDR correctly there; X-Forwarded-For is forgeable.
    return request.META.get("REMOTE_ADDR") or None
