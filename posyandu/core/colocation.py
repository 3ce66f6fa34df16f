"""The kab/kota every person-level row lives with (docs/scaling.md, phase 2).

Each row of a person's data carries `kabkota_kode`, the 5-character code ("14.71") of the
kab/kota of the person's Posyandu, copied from the row it belongs to (`kabkota_from`): a
person takes it from their Posyandu, a measurement from its person, a service from its visit.
On a Citus cluster it is the distribution column, so a person and their whole history live on
one node; on SQLite and one PostgreSQL it is an ordinary column kept by the same code.

Joins along `kabkota_from` also match the kab/kota (`_same_kabkota`), so on a cluster a person
joins their measurements on one node, and everywhere a row in the wrong kab/kota would show.

The field fills itself on every insert, bulk ones included (`KabkotaField.pre_save`); bulk
writers call `fill_kabkota` first to fill many rows with one query. A change of kab/kota (a
person moving to a Posyandu of another kab/kota, a merge) is followed by every row below it
(`follow`).
"""

from collections.abc import Iterable, Sequence
from functools import cache
from types import MethodType
from typing import Any, ClassVar, cast

from django.apps import apps
from django.db import connection, connections, migrations, models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.db.models.signals import class_prepared
from django.db.models.sql.where import WhereNode

KABKOTA_LENGTH = 5


def kabkota_of(region_code: str) -> str:
    """The kab/kota of a region code ("14.71.01.1001" -> "14.71")."""
    return (region_code or "")[:KABKOTA_LENGTH]


class KabkotaField(models.CharField[str, str]):
    """`kabkota_kode`: filled on insert from the row's source, whatever writes it (save,
    bulk_create: Django asks every field's pre_save), unless the writer filled it already."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(max_length=KABKOTA_LENGTH, default="", editable=False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "default", "editable"):
            kwargs.pop(fixed, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if add and not getattr(model_instance, self.attname):
            setattr(model_instance, self.attname, _kabkota_of_source(model_instance))
        return str(getattr(model_instance, self.attname))


class CoLocated(models.Model):
    """A row that lives with one kab/kota's data, next to the row it belongs to."""

    kabkota_kode = KabkotaField()

    # The foreign key whose row this one belongs to; "posyandu" for the rows at the top
    # (a person, a household, a home visit), which take the kab/kota of the Posyandu's desa.
    kabkota_from: ClassVar[str] = "posyandu"
    # Other keys to rows of the same person (a measurement's check-in), paired like
    # `kabkota_from`: such a row always lives in the same kab/kota.
    kabkota_also: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new row is filled by its field; a row whose source changed takes the new
        source's kab/kota, and the rows below it follow, in the same transaction."""
        if self._state.adding or not _source_changed(self):
            super().save(*args, **kwargs)
            return
        new = _kabkota_of_source(self)
        with transaction.atomic():
            super().save(*args, **kwargs)  # under its current kab/kota
            if new != self.kabkota_kode:
                set_kabkota(type(self)._base_manager.filter(pk=self.pk), new)
                self.kabkota_kode = new
                follow(self)

    def _do_update(
        self, base_qs: Any, using: Any, pk_val: Any, values: Any, update_fields: Any, forced: Any
    ) -> Any:
        """The UPDATE of one row names its kab/kota: on a cluster it goes to one shard, not
        to all. The kab/kota itself changes only through `set_kabkota`, so the row's value
        is the one in the database, unless it was deferred or the row moved since."""
        values = [v for v in values if v[0].attname != "kabkota_kode"]
        stored = self.__dict__.get("kabkota_kode")  # reading a deferred field would query
        if stored and super()._do_update(
            base_qs.filter(kabkota_kode=stored), using, pk_val, values, update_fields, forced
        ):
            return True
        # not read yet, or moved to another kab/kota since (follow): by id, and take it
        moved = base_qs.filter(pk=pk_val).values_list("kabkota_kode", flat=True).first()
        if moved is not None:
            self.kabkota_kode = moved
        return super()._do_update(base_qs, using, pk_val, values, update_fields, forced)


def _same_kabkota(field: Any, alias: str | None, related_alias: str | None) -> WhereNode | None:
    """The extra join condition of a `kabkota_from` key (Django's hook, as GenericRelation
    uses it): `alias` is the table pointed to, `related_alias` the one holding the key."""
    if alias is None or related_alias is None:
        return None  # a subquery pushed down by exclude(): its IN (...) needs no pairing
    target = field.related_model._meta.get_field("kabkota_kode")
    source = field.model._meta.get_field("kabkota_kode")
    pair: Any = Exact(target.get_col(alias), source.get_col(related_alias))
    return WhereNode([pair])


def paired_keys(model: type[models.Model]) -> tuple[str, ...]:
    """The foreign keys of `model` whose rows live in its kab/kota (a Posyandu, a reference
    row on every node, is never one)."""
    if not issubclass(model, CoLocated):
        return ()
    owner = () if model.kabkota_from == "posyandu" else (model.kabkota_from,)
    return owner + model.kabkota_also


def _pair_joins(sender: type[models.Model], **kwargs: Any) -> None:
    for name in paired_keys(sender):
        field: Any = sender._meta.get_field(name)
        field.get_extra_restriction = MethodType(_same_kabkota, field)


class_prepared.connect(_pair_joins)


def _source_field(model: type[CoLocated]) -> "models.ForeignKey[Any, Any]":
    return cast("models.ForeignKey[Any, Any]", model._meta.get_field(model.kabkota_from))


def _source_changed(row: CoLocated) -> bool:
    loaded = getattr(row, "_loaded", None)
    attname = _source_field(type(row)).attname
    return loaded is not None and loaded.get(attname) != getattr(row, attname)


def _kabkota_of_source(row: Any) -> str:
    source = getattr(row, row.kabkota_from)
    if source is None:
        return ""
    if isinstance(source, CoLocated):
        return source.kabkota_kode
    return kabkota_of(source.desa_id)  # a Posyandu


def fill_kabkota(rows: Sequence[Any]) -> None:
    """Set `kabkota_kode` on new rows of one model before a bulk write: one query per batch
    for the rows whose source is not loaded already."""
    todo = [r for r in rows if isinstance(r, CoLocated) and not r.kabkota_kode]
    if not todo:
        return
    field = _source_field(type(todo[0]))
    for row in todo:
        if field.is_cached(row):
            row.kabkota_kode = _kabkota_of_source(row)
    pending = [r for r in todo if not r.kabkota_kode]
    ids = {getattr(r, field.attname) for r in pending} - {None}
    if not ids:
        return
    source = cast(type[models.Model], field.related_model)
    column = "kabkota_kode" if issubclass(source, CoLocated) else "desa_id"
    found = dict(source._base_manager.filter(pk__in=ids).values_list("pk", column))
    for row in pending:
        row.kabkota_kode = kabkota_of(found.get(getattr(row, field.attname), ""))


@cache
def _chains() -> dict[str, list[tuple[type[models.Model], list[type[models.Model]]]]]:
    """For each co-located model: the models below it, each with the chain of models from it
    up to the first one's child (LayananDiberikan: [LayananDiberikan, Kunjungan] below Sasaran)."""
    located = located_models()
    below: dict[str, list[tuple[type[models.Model], list[type[models.Model]]]]] = {
        m._meta.label: [] for m in located
    }
    for model in located:
        chain: list[type[models.Model]] = []
        step: Any = model
        while step.kabkota_from != "posyandu":
            chain.append(step)
            step = step._meta.get_field(step.kabkota_from).related_model
            below[step._meta.label].append((model, list(chain)))
    return below


def dependents(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """The models below `model`, each with its lookup up to it ("kunjungan__sasaran")."""
    return [
        (below, "__".join(cast(Any, m).kabkota_from for m in chain))
        for below, chain in _chains()[model._meta.label]
    ]


def _rows_below(chain: list[type[models.Model]], pk: Any) -> models.QuerySet[Any]:
    """The rows at the bottom of `chain` that belong to row `pk` at its top, by nested
    `IN (SELECT id ...)`: no join, so rows whose kab/kota is not yet right are found too."""
    ids: Any = pk
    for model in reversed(chain):
        attname = _source_field(cast(Any, model)).attname
        rows = model._base_manager.filter(
            **{attname: ids} if ids is pk else {f"{attname}__in": ids}
        )
        ids = rows.values("pk")
    return rows


def follow(row: CoLocated) -> int:
    """Give every row below `row` its kab/kota (after a move or a merge): one UPDATE per
    model, of the rows that differ. Returns how many rows changed."""
    changed = 0
    for _model, chain in _chains()[type(row)._meta.label]:
        changed += set_kabkota(_rows_below(chain, row.pk), row.kabkota_kode)
    return changed


def on_citus(conn: Any = None) -> bool:
    """The database is a Citus coordinator (the citus extension is installed)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


def set_kabkota(rows: models.QuerySet[Any], kabkota: str) -> int:
    """Give these rows another kab/kota; returns how many changed. One UPDATE; on a Citus
    cluster, where a row's distribution column cannot change, each row is copied under the
    new kab/kota (same id) and the old copy deleted, in the caller's transaction (the
    foreign keys are checked at its commit)."""
    moving = rows.exclude(kabkota_kode=kabkota)
    conn = connections[moving.db]
    if not on_citus(conn):
        return moving.update(kabkota_kode=kabkota)
    model = moving.model
    ids = list(moving.values_list("pk", flat=True))
    if not ids:
        return 0
    qn = conn.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [f.column for f in model._meta.concrete_fields]
    names = ", ".join(qn(c) for c in columns)
    values = ", ".join("%s" if c == "kabkota_kode" else qn(c) for c in columns)
    where = f"WHERE {qn(model._meta.pk.column)} = ANY(%s) AND kabkota_kode <> %s"
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} {where}",  # noqa: S608
            [kabkota, ids, kabkota],
        )
        cursor.execute(f"DELETE FROM {table} {where}", [ids, kabkota])  # noqa: S608
    return len(ids)


def takes_kabkota_from(model: type[models.Model], field_name: str) -> bool:
    """Rows of `model` take their kab/kota from the row `field_name` points to."""
    return issubclass(model, CoLocated) and model.kabkota_from == field_name


def located_models() -> list[type[CoLocated]]:
    return [m for m in apps.get_models() if issubclass(m, CoLocated)]


def mismatches(models_: Iterable[type[CoLocated]] | None = None) -> dict[str, int]:
    """Rows whose kab/kota differs from the row they belong to, per model (a check for the
    tests and for an operator before the cluster placement): empty when all is well. On a
    cluster the composite foreign keys of citus_distribute guarantee the rows below a
    person, and only the top rows (against their Posyandu) are checked."""
    found: dict[str, int] = {}
    top_only = on_citus()
    for model in models_ or located_models():
        source = _source_field(model)
        if top_only and model.kabkota_from != "posyandu":
            continue
        if model.kabkota_from == "posyandu":
            expected: Any = Substr("posyandu__desa_id", 1, KABKOTA_LENGTH)
        else:  # a subquery: a join along the key would pair the kab/kota (_same_kabkota)
            parents = cast(type[models.Model], source.related_model)._base_manager
            expected = Subquery(parents.filter(pk=OuterRef(source.attname)).values("kabkota_kode"))
        rows = model._base_manager.exclude(kabkota_kode=expected)
        count = rows.count()
        if count:
            found[model._meta.label] = count
    return found


def backfill(
    table: str, foreign_key: str, source_table: str, source_column: str
) -> migrations.RunSQL:
    """A migration step giving the existing rows of `table` their kab/kota from the row
    `foreign_key` points to (`source_column`: "kabkota_kode", or a Posyandu's "desa_id")."""
    sql = (
        f"UPDATE {table} SET kabkota_kode = COALESCE((SELECT substr(s.{source_column}, 1, "  # noqa: S608
        f"{KABKOTA_LENGTH}) FROM {source_table} s WHERE s.id = {table}.{foreign_key}), '')"
    )
    return migrations.RunSQL(sql, migrations.RunSQL.noop, elidable=True)
