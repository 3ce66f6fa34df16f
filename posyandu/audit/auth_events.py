"""Login, logout and failed logins are audit events (Django's auth signals)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from posyandu.audit.context import Actor, acting_as
from posyandu.audit.middleware import client_ip
from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log


def _actor(request: Any, user: Any) -> Actor:
    if request is None:
        return Actor(user=user)
    return Actor(user=user, ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with acting_as(_actor(request, user)):
        log(AuditEvent.Action.LOGIN, model="accounts.User", object_id=str(user.pk))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with acting_as(_actor(request, user)):
            log(AuditEvent.Action.LOGOUT, model="accounts.User", object_id=str(user.pk))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    with acting_as(_actor(request, None)):
        log(
            AuditEvent.Action.LOGIN_FAILED,
            model="accounts.User",
            metadata={"username": str(credentials.get("username", ""))[:150]},
        )
