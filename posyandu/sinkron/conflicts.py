"""Resolving a conflict kept by the sync (sinkron.Konflik): the bidan keeps the server's
version, takes the device's (applied through the same service, over the version stored now),
or merges field by field. Each resolution is saved on the Konflik (Record: audited)."""

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.accounts.scope import restrict
from posyandu.core.corrections import values_of
from posyandu.sinkron.apply import Conflicted, Rejected, change_reapply
from posyandu.sinkron.models import Konflik

KEEP, TAKE, MERGE = "server", "perangkat", "gabung"
# kinds whose device values are field values a merge can pick from
MERGEABLE = {"sasaran.update", "record.correct"}


class ResolveError(ValueError):
    """The conflict cannot be resolved this way; the message is for the bidan."""


def conflicts_visible(user: Any) -> QuerySet[Konflik]:
    return restrict(Konflik.objects.select_related("posyandu", "perubahan__user"), user)


def device_fields(konflik: Konflik) -> dict[str, Any]:
    """The field values the device sent (a correction's `fields`, or the update's data)."""
    data = dict(konflik.versi_perangkat)
    if konflik.kind == "record.correct":
        inner = data.get("fields")
        return (
            dict(inner)
            if isinstance(inner, dict)
            else {k: v for k, v in data.items() if k not in ("model", "reason")}
        )
    if konflik.kind == "record.void":
        return {"voided": True, "reason": data.get("reason", "")}
    return {k: v for k, v in data.items() if k != "not_a_duplicate"}


def _field_label(record: Any, name: str) -> str:
    try:
        return str(record._meta.get_field(name).verbose_name) if record is not None else name
    except FieldDoesNotExist:
        return name


def rows_of(konflik: Konflik, current: Any) -> list[dict[str, Any]]:
    """One row per field the device sent: then, now and the device's value."""
    now = values_of(current) if current is not None else {}
    if current is not None:
        now["voided"] = current.deleted_at is not None
    rows = []
    for name, device in device_fields(konflik).items():
        rows.append(
            {
                "name": name,
                "label": _field_label(current, name),
                "then": konflik.versi_server.get(name),
                "now": now.get(name),
                "device": device,
                "differs": str(now.get(name)) != str(device),
            }
        )
    return rows


def current_record(konflik: Konflik) -> Any:
    model = apps.get_model(konflik.model)
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.filter(public_id=konflik.record).first()


@transaction.atomic
def conflict_resolve(
    *, konflik: Konflik, by: Any, choice: str, fields: list[str] | None = None
) -> Konflik:
    """KEEP: nothing changes. TAKE: the device's change is applied over the stored version.
    MERGE: the device's values of `fields` only (sasaran.update, record.correct)."""
    if konflik.status != Konflik.Status.TERBUKA:
        raise ResolveError(gettext("This conflict is already resolved."))
    current = current_record(konflik)
    if current is None:
        raise ResolveError(gettext("The record no longer exists."))
    chosen: dict[str, Any] = {}
    if choice in (TAKE, MERGE):
        stored = konflik.perubahan
        if choice == MERGE:
            if konflik.kind not in MERGEABLE:
                raise ResolveError(gettext("Only edits can be merged field by field."))
            picked = device_fields(konflik)
            chosen = {k: v for k, v in picked.items() if k in set(fields or [])}
            if not chosen:
                raise ResolveError(gettext("Choose at least one value of the device."))
            merged = {**stored.data, "fields": chosen}
            # the merged change, applied below (the ledger keeps its first answer)
            stored.data = merged if konflik.kind == "record.correct" else chosen
        else:
            chosen = device_fields(konflik)
        try:
            change_reapply(user=by, stored=stored, version=current.version)
        except Conflicted:
            raise ResolveError(
                gettext("The record changed again meanwhile; open the conflict again.")
            ) from None
        except Rejected as rejected:
            raise ResolveError(rejected.reason) from None
        finally:
            stored.refresh_from_db()
    elif choice != KEEP:
        raise ResolveError(gettext("Choose how to resolve the conflict."))
    konflik.status = Konflik.Status.SELESAI
    konflik.penyelesaian = choice
    konflik.diselesaikan_oleh = by if getattr(by, "is_authenticated", False) else None
    konflik.diselesaikan_pada = timezone.now()
    konflik.hasil = {k: (str(v) if v is not None else None) for k, v in chosen.items()}
    konflik.save()
    return konflik
