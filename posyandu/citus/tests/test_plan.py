"""The distribution plan (distribution.json) is complete and sound for Citus, checked from the
models on any database; the command does nothing where there is no citus extension."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models

from posyandu.audit.models import AuditEvent
from posyandu.citus import distribution
from posyandu.core import colocation
from posyandu.sasaran.tests.factories import SasaranFactory

PLAN = distribution.load_plan()
REFERENCE = set(PLAN.reference)
DISTRIBUTED = {d.table: d for d in PLAN.distributed}


def _models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and getattr(f, "db_constraint", True)
    ]


def _target(field: models.ForeignKey) -> str:
    return field.target_field.model._meta.db_table


def test_every_table_is_placed_once():
    tables = {m._meta.db_table for m in _models()}
    assert sorted(tables - set(PLAN.tables())) == []  # a new model needs a decision
    assert sorted(set(PLAN.tables()) - tables) == []  # no stale names


def test_reference_tables_point_only_to_reference_tables():
    for model in _models():
        if model._meta.db_table in REFERENCE:
            for field in _foreign_keys(model):
                assert _target(field) in REFERENCE, (model, field.name)


def _group(table: str) -> str:
    """The co-location group of a distributed table: the table its chain starts with."""
    item = DISTRIBUTED[table]
    return table if item.colocate_with in ("default", "none") else _group(item.colocate_with)


def test_distributed_tables_point_only_to_reference_or_colocated_tables():
    for model in _models():
        item = DISTRIBUTED.get(model._meta.db_table)
        if item is None:
            continue
        for field in _foreign_keys(model):
            target = _target(field)
            assert target in REFERENCE or (
                target in DISTRIBUTED and _group(target) == _group(item.table)
            ), (model, field.name)


def test_the_person_tables_are_distributed_together_by_their_kabkota():
    located = {m._meta.db_table for m in colocation.located_models()}
    assert {t for t, d in DISTRIBUTED.items() if d.column == "kabkota_kode"} == located
    assert {_group(t) for t in located} == {"sasaran_sasaran"}


def test_nothing_points_to_a_distributed_table():
    # Local or reference tables cannot hold foreign keys to distributed tables.
    for model in _models():
        for field in _foreign_keys(model):
            target = _target(field)
            if target in DISTRIBUTED:
                assert model._meta.db_table in DISTRIBUTED, (model, field.name)


def test_colocated_tables_share_the_column_type():
    by_table = {m._meta.db_table: m for m in _models()}
    for item in PLAN.distributed:
        if item.colocate_with in ("default", "none"):
            continue
        other = DISTRIBUTED[item.colocate_with]
        types = [
            f.db_type(connection)
            for d in (item, other)
            for f in by_table[d.table]._meta.concrete_fields
            if f.column == d.column
        ]
        assert len(types) == 2 and types[0] == types[1], item


@pytest.mark.django_db
def test_command_is_a_no_op_without_citus():
    if distribution.citus_available():
        pytest.skip("this database is a Citus coordinator")
    out = io.StringIO()
    call_command("citus_distribute", stdout=out)
    assert out.getvalue() == "No citus extension in this database: nothing to distribute.\n"


@pytest.mark.django_db
def test_on_citus_every_table_is_placed_and_a_save_reaches_the_shards(world):
    if not distribution.citus_available():
        pytest.skip("not a Citus coordinator (make test-citus)")
    assert distribution.pending(PLAN) == []
    before = AuditEvent.objects.count()  # sharded by id: a count over every shard
    SasaranFactory(posyandu=world.posyandu_a)
    assert AuditEvent.objects.count() > before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT nodeport) FROM citus_shards")
        assert cursor.fetchone()[0] >= 2  # shards live on the workers
        # every unique key of a distributed table holds its distribution column
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_dist_partition p "
            "ON p.logicalrelid = i.indrelid WHERE i.indisunique AND p.partmethod = 'h' "
            "AND NOT column_to_column_name(p.logicalrelid, p.partkey) = ANY(ARRAY(SELECT "
            "a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey)))"
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db
def test_on_citus_backup_refuses_a_partial_copy(tmp_path):
    if not distribution.citus_available():
        pytest.skip("not a Citus coordinator (make test-citus)")
    with pytest.raises(CommandError, match="Citus coordinator"):
        call_command("backup", "--dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
