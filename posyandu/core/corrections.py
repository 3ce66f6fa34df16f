"""Correcting and voiding ("batalkan") records, with a required reason.

Nothing is lost: a voided record is soft-deleted (it stays in the database, hidden from the
default manager, so it leaves every report, task and aggregate through the derived-data
registry) and keeps who voided it and why. A corrected record is saved with its new values.
Either way the audit event of that save carries the reason and the old values: the one place
the audit keeps values (docs/adr/0003-audit-in-the-record-base.md).

Who may correct is decided by `accounts.scope.may_correct` in the views that call these.
Which models are correctable, with which fields, is `core.registry.register_correctable`.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.core import derived, registry
from posyandu.core.concurrency import save_if_current

REASON_MAX = 200
# Reasons given by the screens themselves (not typed): undo of the last entry, and a second
# measurement of the day that replaces the first.
REASON_UNDO = "urungkan"
REASON_REPLACED = "diganti"
# Bookkeeping fields: never "old values" of a correction.
_META_FIELDS = {
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "version",
    "deleted_at",
    "dibuat_oleh_id",
    "dibatalkan_oleh_id",
    "alasan_batal",
}


class CorrectionError(ValueError):
    """A correction that cannot be made; the message is for the user."""


def _plain(value: Any) -> Any:
    """A field value as JSON keeps it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def values_of(record: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    """The record's values (all but bookkeeping, or `names`), as stored in the audit."""
    fields = [f.attname for f in record._meta.concrete_fields]
    chosen = [f for f in fields if f not in _META_FIELDS] if names is None else names
    return {name: _plain(getattr(record, name)) for name in chosen}


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(gettext("Give the reason for the correction."))
    return reason[:REASON_MAX]


def _actor_id(by: Any) -> int | None:
    return by.pk if getattr(by, "is_authenticated", False) else None


def parts_of(record: Any) -> list[Any]:
    """The live records voided with `record`: those registered as `part_of` it (what was
    recorded at a check-in), and the registration's own `parts`."""
    found: list[Any] = []
    for spec in registry.correctables():
        if not spec.part_of:
            continue
        field = spec.model._meta.get_field(spec.part_of)
        if field.related_model is type(record):
            found.extend(spec.model.objects.filter(**{spec.part_of: record}).order_by("pk"))
    own = registry.correctable(record._meta.label)
    if own is not None and own.parts is not None:
        found.extend(p for p in own.parts(record) if p is not None and p.deleted_at is None)
    return found


@transaction.atomic
def record_void(record: Any, *, by: Any, reason: str) -> list[Any]:
    """Void `record` and what was recorded with it (same reason). Returns every voided record.

    Each keeps its row, `dibatalkan_oleh` and `alasan_batal`; each audit event holds the reason
    and the old values. Derived data (aggregates, tasks, growth results) follows at once."""
    reason = _clean_reason(reason)
    if record.deleted_at is not None:
        raise CorrectionError(gettext("This entry was already voided."))
    voided: list[Any] = []
    with derived.batch():
        _void(record, by=by, reason=reason, voided=voided)
    return voided


def _void(record: Any, *, by: Any, reason: str, voided: list[Any]) -> None:
    if record.deleted_at is not None or record in voided:
        return
    old = values_of(record)
    record._audit_note = {
        "action": "void",
        "metadata": {"reason": reason, "old": old},
        "user": by,
    }
    record.deleted_at = timezone.now()
    record.dibatalkan_oleh_id = _actor_id(by)
    record.alasan_batal = reason
    record.save(update_fields=["deleted_at", "dibatalkan_oleh", "alasan_batal"])
    voided.append(record)
    for part in parts_of(record):
        _void(part, by=by, reason=reason, voided=voided)


@transaction.atomic
def record_correct(
    record: Any, *, by: Any, reason: str, changes: dict[str, Any], version: int | None = None
) -> list[str]:
    """Change fields of `record` (through its registration's `apply`, e.g. a measurement is
    evaluated again), keeping the reason and the old values in the audit event. Returns the
    fields that changed; nothing is saved when none did. StaleRecord when the record changed
    since the editor read `version` (optimistic locking, core.concurrency)."""
    reason = _clean_reason(reason)
    if record.deleted_at is not None:
        raise CorrectionError(gettext("A voided entry cannot be corrected."))
    spec = registry.correctable(record._meta.label)
    allowed = set(spec.fields(record)) if spec is not None else set(changes)
    unknown = set(changes) - allowed
    if unknown:
        raise CorrectionError(
            gettext("These fields cannot be corrected here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    before = values_of(record)
    if spec is not None and spec.apply is not None:
        spec.apply(record, changes)
    else:
        for name, value in changes.items():
            setattr(record, name, value)
    changed = record.changed_fields()
    if not changed:
        return []
    record._audit_note = {
        "action": "correct",
        "metadata": {
            "reason": reason,
            "old": {f: before[f] for f in changed if f in before},
        },
        "user": by,
    }
    save_if_current(record, version)
    return changed
