"""Devices and the sync status: expiry of an offline session, what a device sees of its last
sync (rejected changes, open conflicts), and the audit event of each upload."""

from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.sinkron.models import Konflik, Perangkat, Perubahan

RECENT = 50


class Expired(Exception):
    """The device was not synced for OFFLINE_MAX_DAYS and the user has not signed in since."""


def is_expired(device: Perangkat, user: Any, now: Any = None) -> bool:
    now = now or timezone.now()
    limit = now - timedelta(days=settings.OFFLINE_MAX_DAYS)
    if device.last_seen_at >= limit:
        return False
    signed_in = getattr(user, "last_login", None)
    return signed_in is None or signed_in <= device.last_seen_at


def device_touch(*, user: Any, device_id: UUID) -> Perangkat:
    """The device (created on first contact), its last contact set to now; Expired when its
    offline session expired (then the contact is not recorded: signing in again renews it)."""
    device = Perangkat.objects.filter(user=user, device_id=device_id).first()
    if device is None:
        try:
            with transaction.atomic():
                return Perangkat.objects.create(user=user, device_id=device_id)
        except IntegrityError:
            device = Perangkat.objects.get(user=user, device_id=device_id)
    if is_expired(device, user):
        raise Expired
    device.last_seen_at = timezone.now()
    device.save(update_fields=["last_seen_at"])
    return device


def batch_audit(*, user: Any, device_id: UUID | None, results: list[dict[str, Any]]) -> None:
    """One audit event per upload with the count of each answer."""
    counts = Counter(r.get("status") for r in results)
    log(
        AuditEvent.Action.IMPORT,
        model="sinkron.Perubahan",
        object_id=str(device_id or ""),
        metadata={"changes": len(results), **{str(k): v for k, v in counts.items()}},
        user=user,
    )


def status_of(*, user: Any, device_id: UUID | None) -> dict[str, Any]:
    device = Perangkat.objects.filter(user=user, device_id=device_id).first() if device_id else None
    changes = Perubahan.objects.filter(user=user)
    if device_id is not None:
        changes = changes.filter(device_id=device_id)
    rejected = changes.filter(status=Perubahan.Status.REJECTED).order_by("-received_at")[:RECENT]
    conflicts = Konflik.objects.filter(
        perubahan__user=user, status=Konflik.Status.TERBUKA
    ).order_by("-created_at")
    if device_id is not None:
        conflicts = conflicts.filter(perubahan__device_id=device_id)
    last_sync = device.last_sync_at if device else None
    if device is None:
        latest = changes.order_by("-received_at").first()
        last_sync = latest.received_at if latest else None
    expires = None
    if device is not None:
        expires = device.last_seen_at + timedelta(days=settings.OFFLINE_MAX_DAYS)
    return {
        "last_sync_at": last_sync.isoformat() if last_sync else None,
        "last_download_at": (
            device.last_download_at.isoformat() if device and device.last_download_at else None
        ),
        "expires_at": expires.isoformat() if expires else None,
        "pending_conflicts": conflicts.count(),
        "conflicts": [
            {
                "id": str(k.public_id),
                "kind": k.kind,
                "record": str(k.record),
                "created_at": k.created_at.isoformat(),
            }
            for k in conflicts[:RECENT]
        ],
        "rejected": [
            {
                "id": str(c.change_id),
                "kind": c.kind,
                "record": str(c.record) if c.record else None,
                "reason": c.answer.get("reason"),
                "errors": c.answer.get("errors"),
                "at": c.received_at.isoformat(),
            }
            for c in rejected
        ],
    }
