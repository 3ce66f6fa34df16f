"""Login, logout, failed logins, password changes and who was given which access are audit
events (Django's auth and model signals: they also fire for the admin and the shell).

They live here, not in audit, because they know accounts' models; audit is the lowest app
and imports none. AccountsConfig.ready connects them."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from posyandu.accounts.models import Assignment, User
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


@receiver(post_save, sender=User)
def on_password_set(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    # set_password() keeps the raw password on `_password` until the save completes.
    if not created and getattr(instance, "_password", None) is not None:
        log(
            AuditEvent.Action.UPDATE,
            model="accounts.User",
            object_id=str(instance.pk),
            metadata={"fields": ["password"]},
        )


def _assignment(instance: Assignment) -> dict[str, Any]:
    return {
        "user": instance.user_id,
        "role": instance.role,
        "wilayah": instance.wilayah_id,
        "puskesmas": instance.puskesmas_id,
        "pustu": instance.pustu_id,
        "posyandu": instance.posyandu_id,
        "can_see_personal": instance.can_see_personal,
        "active": instance.active,
    }


@receiver(post_save, sender=Assignment)
def on_assignment_saved(sender: Any, instance: Assignment, created: bool, **kwargs: Any) -> None:
    log(
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        model="accounts.Assignment",
        object_id=str(instance.pk),
        wilayah_kode=instance.wilayah_id or "",
        metadata=_assignment(instance),
    )


@receiver(post_delete, sender=Assignment)
def on_assignment_deleted(sender: Any, instance: Assignment, **kwargs: Any) -> None:
    log(
        AuditEvent.Action.DELETE,
        model="accounts.Assignment",
        object_id=str(instance.pk),
        wilayah_kode=instance.wilayah_id or "",
        metadata=_assignment(instance),
    )
