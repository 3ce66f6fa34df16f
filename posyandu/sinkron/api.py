"""JSON API of the offline kader app (docs/offline.md): the download package, the upload of
the device's outbox, and the device's sync status. Session auth and CSRF like the rest of the
API; rate-limited per user (OFFLINE_SYNC_RATE); an offline session expires after
OFFLINE_MAX_DAYS without sync (401, "kedaluwarsa")."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from posyandu.accounts.api import api_scoped
from posyandu.core.ratelimit import allow, too_many_requests
from posyandu.sinkron import package, status
from posyandu.sinkron.apply import BATCH_MAX, batch_apply
from posyandu.sinkron.models import Perangkat

router = Router(tags=["sinkron"])


class KirimIn(Schema):
    device_id: UUID | None = None
    changes: list[Any]


def _limited(request: HttpRequest) -> HttpResponse | None:
    rate = settings.OFFLINE_SYNC_RATE
    if not allow(f"sinkron:user:{request.user.pk}", rate):
        return too_many_requests(request, rate)
    return None


def _expired(request: HttpRequest) -> HttpResponse:
    logout(request)  # the session ends too: the kader signs in again, the outbox stays
    body = {
        "detail": _(
            "Your offline session has expired: the device was not synced for more than "
            "%(days)s days. Sign in again; the entries waiting on the device are kept."
        )
        % {"days": settings.OFFLINE_MAX_DAYS},
        "code": "kedaluwarsa",
    }
    return JsonResponse(body, status=401)


def _device(request: HttpRequest, device_id: UUID | None) -> Perangkat | None:
    """The device row (created on first contact); None without a device id. Raises
    `status.Expired` when the offline session of that device expired."""
    if device_id is None:
        return None
    return status.device_touch(user=request.user, device_id=device_id)


@router.get("/paket", summary="Download package for one Posyandu (full or delta)")
@api_scoped("personal")
def paket(
    request: HttpRequest, posyandu: str, sejak: str = "", perangkat: UUID | None = None
) -> Any:
    limited = _limited(request)
    if limited is not None:
        return limited
    place = package.posyandu_visible(request.user, posyandu)
    if place is None:
        raise HttpError(404, _("Not found."))
    try:
        device = _device(request, perangkat)
    except status.Expired:
        return _expired(request)
    since = package.cursor_read(sejak, place) if sejak else None
    body = package.package_build(user=request.user, posyandu=place, since=since)
    if device is not None:
        device.posyandu = place
        device.last_download_at = timezone.now()
        device.save(update_fields=["posyandu", "last_download_at"])
    return body


@router.post("/kirim", summary="Upload the device's outbox (a batch of changes)")
@api_scoped("personal")
def kirim(request: HttpRequest, payload: KirimIn) -> Any:
    limited = _limited(request)
    if limited is not None:
        return limited
    if len(payload.changes) > BATCH_MAX:
        raise HttpError(
            422, _("At most %(n)s changes per batch; send the rest after.") % {"n": BATCH_MAX}
        )
    try:
        device = _device(request, payload.device_id)
    except status.Expired:
        return _expired(request)
    results = batch_apply(user=request.user, device_id=payload.device_id, changes=payload.changes)
    now = timezone.now()
    if device is not None:
        device.last_sync_at = now
        device.save(update_fields=["last_sync_at"])
    status.batch_audit(user=request.user, device_id=payload.device_id, results=results)
    return {"results": results, "cursor": None, "server_time": now.isoformat()}


@router.get("/status", summary="Sync status of this device and user")
@api_scoped("personal")
def sync_status(request: HttpRequest, device_id: UUID | None = None) -> Any:
    return status.status_of(user=request.user, device_id=device_id)
