"""Writes audit events. Records call `record_saved`; services call `log` for everything else."""

from collections.abc import Sequence
from typing import Any

from posyandu.audit.context import current_actor
from posyandu.audit.models import AuditEvent


def log(
    action: str,
    *,
    model: str = "",
    object_id: str = "",
    wilayah_kode: str = "",
    metadata: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditEvent:
    event = _event(
        action,
        model=model,
        object_id=object_id,
        wilayah_kode=wilayah_kode,
        metadata=metadata,
        user=user,
    )
    event.save(force_insert=True)
    return event


def _event(
    action: str,
    *,
    model: str = "",
    object_id: str = "",
    wilayah_kode: str = "",
    metadata: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditEvent:
    """The event `log` writes, unsaved."""
    actor = current_actor()
    user = user if user is not None else actor.user
    # Only stored accounts can be the actor row; others (the server operator) go by name.
    authenticated = getattr(user, "is_authenticated", False) and getattr(user, "pk", None)
    meta = dict(metadata or {})
    if actor.via:
        meta.setdefault("via", actor.via)
    return AuditEvent(
        actor=user if authenticated else None,
        actor_username=getattr(user, "username", "") or "",
        action=action,
        model=model,
        object_id=object_id,
        wilayah_kode=wilayah_kode,
        ip=actor.ip,
        user_agent=actor.user_agent[:300],
        metadata=meta,
    )


def log_read(
    what: str,
    *,
    rows: int,
    model: str = "",
    object_id: str = "",
    wilayah_kode: str = "",
    metadata: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditEvent:
    """One read of personal data: a list page, a print, a card, an export or an API page.
    `what` names it (e.g. "sasaran.list", "tugas.print"), `rows` how many people or records
    it showed; the actor (who, from where) comes from the request or command context."""
    return log(
        AuditEvent.Action.READ,
        model=model,
        object_id=object_id,
        wilayah_kode=wilayah_kode,
        metadata={"what": what, "rows": int(rows), **(metadata or {})},
        user=user,
    )


def record_saved(record: Any, *, created: bool, changed: list[str]) -> None:
    """The event of one save. A correction or a void (posyandu.core.corrections) leaves a note
    on the record first: its action, reason and old values go into this same event."""
    _saved_event(record, created=created, changed=changed).save()


def events_of_saves(
    records: Sequence[Any], *, created: bool, changed: Sequence[list[str]]
) -> list[AuditEvent]:
    """The events of several records saved together, unsaved: one per record, the same as
    `record_saved` writes (core.models.records_create and records_update insert them)."""
    return [
        _saved_event(record, created=created, changed=fields)
        for record, fields in zip(records, changed, strict=True)
    ]


def _saved_event(record: Any, *, created: bool, changed: list[str]) -> AuditEvent:
    note = record.__dict__.pop("_audit_note", None)
    if note is not None:
        return _event(
            note["action"],
            model=record._meta.label,
            object_id=str(record.public_id),
            wilayah_kode=record.wilayah_kode(),
            metadata={"fields": changed, "version": record.version, **note["metadata"]},
            user=note.get("user"),
        )
    if created:
        action = AuditEvent.Action.CREATE
    elif "deleted_at" in changed and record.deleted_at is not None:
        action = AuditEvent.Action.DELETE
    else:
        action = AuditEvent.Action.UPDATE
    return _event(
        action,
        model=record._meta.label,
        object_id=str(record.public_id),
        wilayah_kode=record.wilayah_kode(),
        metadata={"fields": changed, "version": record.version} if changed else {},
    )
