"""Base classes every record of personal, clinical or facility data builds on."""

import uuid
from collections.abc import Hashable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, TypeVar, cast

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone

from posyandu.audit.context import current_actor
from posyandu.audit.recorder import events_of_saves, record_saved
from posyandu.core import derived
from posyandu.core.colocation import CoLocated, fill_kabkota

_M = TypeVar("_M", bound=models.Model)


class LiveQuerySet(models.QuerySet[_M]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[_M]:
        objs = list(objs)
        fill_kabkota(objs)  # save() is bypassed: the rows' kab/kota (core.colocation)
        return super().bulk_create(objs, *args, **kwargs)

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


_R = TypeVar("_R", bound=Record)
BULK_ROWS = 500


def bulk_insert(rows: Sequence[models.Model]) -> None:
    """`bulk_create` of new rows of one model (primary key not set; plain values, no
    expressions), with less work per value: each field's own conversion for the database
    (`get_db_prep_save`, `pre_save` for auto_now fields), one INSERT ... RETURNING per batch.
    Falls back to bulk_create where that is not possible. Sets each row's primary key."""
    if not rows:
        return
    model = type(rows[0])
    opts = model._meta
    fill_kabkota(rows)
    connection = connections[router.db_for_write(model)]
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    if (
        opts.parents
        or not connection.features.can_return_rows_from_bulk_insert
        or any(hasattr(f, "get_placeholder") for f in fields)
        or any(type(r) is not model or r.pk is not None for r in rows)
    ):
        model._base_manager.bulk_create(rows, batch_size=BULK_ROWS)
        return
    for row in rows:  # a related object saved after it was assigned: take its id (Django)
        cast(Any, row)._prepare_related_fields_for_save(operation_name="bulk_create")
    prepared = [_column(f, connection) for f in fields]
    qn = connection.ops.quote_name
    table = qn(opts.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {table}.{qn(opts.pk.column)}"
    size = max(1, min(BULK_ROWS, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [convert(row) for row in batch for convert in prepared]
            cursor.execute(head + ", ".join([placeholders] * len(batch)) + returning, params)
            for row, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                row.pk = pk
                row._state.adding = False
                row._state.db = connection.alias


def _column(field: models.Field, connection: Any) -> Any:
    """value of `field` of a row, ready for the database (as bulk_create prepares it)."""
    attname = field.attname
    prep = field.get_db_prep_save
    try:
        none_is_null = prep(None, connection) is None
    except (TypeError, ValueError):
        none_is_null = False
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp: list[Any] = []  # one time for the rows of one INSERT, as the database would

        def stamped(row: Any) -> Any:
            if not stamp:
                value = field.pre_save(row, True)
                stamp.extend((value, prep(value, connection)))
            setattr(row, attname, stamp[0])
            return stamp[1]

        return stamped
    if type(field).pre_save is not models.Field.pre_save and not isinstance(
        field,
        models.DateField,  # whose pre_save serves only auto_now
    ):

        def convert(row: Any) -> Any:
            return prep(field.pre_save(row, True), connection)

        return convert

    memo: dict[tuple[type, Any], Any] = {}  # codes, labels, dates repeat from row to row

    def plain(row: Any) -> Any:
        value = getattr(row, attname)
        if value is None and none_is_null:
            return None
        kind = type(value)
        if kind not in MEMO_TYPES:
            return prep(value, connection)
        found = memo.get((kind, value), memo)
        if found is memo:
            found = prep(value, connection)
            if len(memo) < MEMO_SIZE:
                memo[(kind, value)] = found
        return found

    return plain


# Values whose database form depends only on the value (immutable, hashable, compared by
# value): converted once per column in a bulk_insert.
MEMO_TYPES = frozenset({str, int, bool, date, Decimal})
MEMO_SIZE = 4096


def _saves_like_a_record(model: type[Record]) -> bool:
    """Rows of `model` can be written in bulk with what Record.save does: the model adds
    nothing to save() and is no multi-table child."""
    saves: Any = model.save  # CoLocated adds only the kab/kota, which bulk_insert fills
    own_save = saves is Record.save or saves is CoLocated.save
    return own_save and not model._meta.parents


def records_create(records: Sequence[_R]) -> Sequence[_R]:
    """Create several new records of one model as `record.save()` would each (who entered
    it, the audit event, the derived data that follows), in a few statements: for imports.
    The derived data follows once for all of them (core.derived.records_changed)."""
    if not records:
        return records
    model = type(records[0])
    if not _saves_like_a_record(model) or any(type(r) is not model for r in records):
        for record in records:
            record.save()
        return records
    actor = _acting_user_id()
    for record in records:
        if record.dibuat_oleh_id is None:
            record.dibuat_oleh_id = actor
    with transaction.atomic(savepoint=False):  # nested, a failure fails the caller's unit
        bulk_insert(records)
        bulk_insert(events_of_saves(records, created=True, changed=[[] for _ in records]))
        derived.records_changed(records, True)
    for record in records:
        record._loaded = {
            f.attname: getattr(record, f.attname) for f in model._meta.concrete_fields
        }
    return records


_OWN_UPDATE = object()  # records_update: a group key no row of values can equal


def records_update(records: Sequence[_R], fields: Sequence[str]) -> Sequence[_R]:
    """Save `fields` of several stored records of one model as `record.save(update_fields=
    fields)` would each (version, time, audit event, derived data), in one UPDATE per set of
    values: for imports and batch services."""
    if not records:
        return records
    model = type(records[0])
    values = [tuple(getattr(r, f) for f in fields) for r in records]
    if not _saves_like_a_record(model) or any(type(r) is not model for r in records):
        for record in records:
            record.save(update_fields=list(fields))
        return records
    changed = [record.changed_fields() for record in records]
    now = timezone.now()
    # Records with the same values share an UPDATE; values that cannot be compared as a key
    # (JSON lists and dicts) get an UPDATE of their own.
    groups: dict[Any, tuple[tuple[Any, ...], list[Any]]] = {}
    for record, row in zip(records, values, strict=True):
        key = row if all(isinstance(v, Hashable) for v in row) else (_OWN_UPDATE, record.pk)
        groups.setdefault(key, (row, []))[1].append(record.pk)
    with transaction.atomic(savepoint=False):  # nested, a failure fails the caller's unit
        for row, pks in groups.values():
            for start in range(0, len(pks), BULK_ROWS):
                model.all_objects.filter(pk__in=pks[start : start + BULK_ROWS]).update(
                    **dict(zip(fields, row, strict=True)),
                    version=F("version") + 1,
                    updated_at=now,
                )
        for record in records:
            record.version += 1
            record.updated_at = now
        bulk_insert(events_of_saves(records, created=False, changed=changed))
        derived.records_changed(records, False)
    for record in records:
        record._loaded = {
            f.attname: getattr(record, f.attname) for f in model._meta.concrete_fields
        }
    return records


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
