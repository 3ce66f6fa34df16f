"""Writes audit events. Records call `record_saved`; services call `log` for everything else."""

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
    actor = current_actor()
    user = user if user is not None else actor.user
    # Only stored accounts can be the actor row; others (the server operator) go by name.
    authenticated = getattr(user, "is_authenticated", False) and getattr(user, "pk", None)
    meta = dict(metadata or {})
    if actor.via:
        meta.setdefault("via", actor.via)
    return AuditEvent.objects.create(
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
    note = record.__dict__.pop("_audit_note", None)
    if note is not None:
        log(
            note["action"],
            model=record._meta.label,
            object_id=str(record.public_id),
            wilayah_kode=record.wilayah_kode(),
            metadata={"fields": changed, "version": record.version, **note["metadata"]},
            user=note.get("user"),
        )
        return
    if created:
        action = AuditEvent.Action.CREATE
    elif "deleted_at" in changed and record.deleted_at is not None:
        action = AuditEvent.Action.DELETE
    else:
        action = AuditEvent.Action.UPDATE
    log(
        action,
        model=record._meta.label,
        object_id=str(record.public_id),
        wilayah_kode=record.wilayah_kode(),
        metadata={"fields": changed, "version": record.version} if changed else {},
    )
