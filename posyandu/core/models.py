"""Base classes every record of personal, clinical or facility data builds on."""

import uuid
from typing import Any, ClassVar, TypeVar, cast

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from posyandu.audit.context import current_actor
from posyandu.audit.recorder import record_saved
from posyandu.core import derived

_M = TypeVar("_M", bound=models.Model)


class LiveQuerySet(models.QuerySet[_M]):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Bulk deletes are soft too, one record at a time so each leaves an audit event."""
        count = 0
        for record in self:
            record.delete()
            count += 1
        return count, {self.model._meta.label: count}


# Built at module level so that django-stubs can type the manager (a dynamic base class can't be).
_LiveManagerBase = models.Manager.from_queryset(LiveQuerySet)


class LiveManager(_LiveManagerBase[_M]):
    """Default manager: soft-deleted rows are invisible unless asked for by `all_objects`."""

    def get_queryset(self) -> LiveQuerySet[_M]:
        # from_queryset() makes the base queryset a LiveQuerySet; django-stubs types it QuerySet.
        return cast(LiveQuerySet[_M], super().get_queryset().filter(deleted_at__isnull=True))


def _acting_user_id() -> int | None:
    user = current_actor().user
    return user.pk if getattr(user, "is_authenticated", False) else None


class Record(models.Model):
    """A record with a public UUID, timestamps, a version number and soft delete.

    `public_id` may be generated on the client (offline capture), so it is the id that leaves
    the server; integer primary keys never do. Every save and delete writes an audit event
    (see posyandu.audit), so no code path can change a record without a trace.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who entered the record (from the audit context on create), and who voided it and why:
    # a voided ("dibatalkan") record is soft-deleted and keeps its reason for the history.
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    dibatalkan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    alasan_batal = models.CharField(max_length=200, blank=True, editable=False)

    # Field path from this model to the desa code, for audit events.
    wilayah_path: ClassVar[str] = ""
    # save() reports every change to posyandu.core.derived, which checks this on registration.
    notifies_derived_data: ClassVar[bool] = True

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 - `objects` must stay the default manager

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        creating = self._state.adding
        if creating and self.dibuat_oleh_id is None:
            self.dibuat_oleh_id = _acting_user_id()
        changed = [] if creating else self.changed_fields()
        if not creating:
            self.version += 1
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        # One unit: the row, its audit event and the derived data that follows it
        # (docs/adr/0005-derived-data.md). A failing handler rolls the save back.
        with transaction.atomic():
            super().save(*args, **kwargs)
            record_saved(self, created=creating, changed=changed)
            derived.record_changed(self, creating)
        self._loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Soft delete: the row stays, hidden from the default manager."""
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at"])
        return 1, {self._meta.label: 1}

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "Record":
        instance = super().from_db(db, field_names, values)
        instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    def changed_fields(self) -> list[str]:
        loaded = getattr(self, "_loaded", None)
        if loaded is None:
            return []
        ignored = {"updated_at", "version"}
        return [
            f.attname
            for f in self._meta.concrete_fields
            if f.attname in loaded
            and f.attname not in ignored
            and loaded[f.attname] != getattr(self, f.attname)
        ]

    def wilayah_kode(self) -> str:
        """The desa/kelurahan (or wider) region code this record belongs to, for audit."""
        obj: Any = self
        for part in self.wilayah_path.split("__") if self.wilayah_path else []:
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        return str(obj) if self.wilayah_path else ""


class IdempotencyKey(models.Model):
    """A POST that carried an idempotency key (a form's hidden `idempotency_key`, or the API's
    `Idempotency-Key` header) and the answer it got: the same user sending the same key again
    (a double tap, a retry after a dropped connection) gets this answer back and nothing is
    saved twice. `status` is None while the first request is still running."""

    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.CharField(max_length=300)  # "POST /path": a key belongs to one request
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)  # Content-Type, Location, HX-*
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.request} {self.status}"
