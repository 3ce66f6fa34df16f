"""Place the tables on a Citus cluster as distribution.json declares (docs/scaling.md).

On SQLite and on PostgreSQL without the citus extension nothing happens: the same schema,
the same queries. On a Citus coordinator each table becomes what the file says, once:

- reference: a copy on every node (regions, facilities, users and roles, rules' data);
- distributed: hash-sharded by a column, co-located with another table where named; the
  database primary key becomes (id, column), since Citus requires every unique constraint
  to contain the distribution column, while Django keeps `id` as the model's key (ids still
  come from one sequence on the coordinator, so they stay unique);
- coordinator: a Citus-managed local table on the coordinator (joins with reference and
  distributed tables work; foreign keys to reference tables are kept).
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import ForeignKey

from posyandu.core.colocation import on_citus, paired_keys

PLAN_FILE = Path(__file__).parent / "rules" / "distribution.json"
ADD_LOCAL = "SELECT citus_add_local_table_to_metadata(%s, cascade_via_foreign_keys => true)"


@dataclass(frozen=True)
class Distributed:
    table: str
    column: str
    colocate_with: str = "default"


@dataclass(frozen=True)
class Plan:
    reference: tuple[str, ...]
    distributed: tuple[Distributed, ...]
    coordinator: tuple[str, ...]

    def tables(self) -> list[str]:
        return [*self.reference, *(d.table for d in self.distributed), *self.coordinator]


def load_plan(path: Path = PLAN_FILE) -> Plan:
    data = json.loads(path.read_text(encoding="utf-8"))
    plan = Plan(
        reference=tuple(data["reference"]),
        distributed=tuple(Distributed(**item) for item in data["distributed"]),
        coordinator=tuple(data["coordinator"]),
    )
    tables = plan.tables()
    twice = sorted({t for t in tables if tables.count(t) > 1})
    if twice:
        raise ValueError(f"{path.name}: tables named more than once: {', '.join(twice)}")
    return plan


citus_available = on_citus  # a Citus coordinator: the one check, in core.colocation


def _rows(cursor: Any, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    cursor.execute(sql, list(params))
    return list(cursor.fetchall())


def placement(cursor: Any) -> dict[str, str]:
    """How Citus holds each table now: reference, distributed or local (Citus-managed)."""
    rows = _rows(
        cursor,
        "SELECT logicalrelid::regclass::text, partmethod, repmodel FROM pg_dist_partition",
    )
    kinds = {}
    for table, method, repmodel in rows:
        if method == "h":
            kinds[table] = "distributed"
        elif repmodel == "t":
            kinds[table] = "reference"
        else:
            kinds[table] = "local"
    return kinds


def _references(cursor: Any, table: str) -> set[str]:
    """The tables `table` has foreign keys to (itself excluded)."""
    rows = _rows(
        cursor,
        "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = %s::regclass AND confrelid <> conrelid",
        [table],
    )
    return {name for (name,) in rows}


def _existing(cursor: Any) -> set[str]:
    rows = _rows(
        cursor,
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    )
    return {name for (name,) in rows}


def reference_order(cursor: Any, tables: Iterable[str]) -> list[str]:
    """Reference tables, each after the reference tables it points to (Citus requires the
    target of a reference table's foreign key to be a reference table already)."""
    pending = list(tables)
    wanted = set(pending)
    done: list[str] = []
    while pending:
        ready = [t for t in pending if not (_references(cursor, t) & wanted) - set(done)]
        if not ready:
            raise ValueError(f"foreign-key cycle among reference tables: {', '.join(pending)}")
        done += ready
        pending = [t for t in pending if t not in ready]
    return done


def _primary_key(cursor: Any, table: str) -> tuple[str, list[str]]:
    rows = _rows(
        cursor,
        "SELECT c.conname, a.attname FROM pg_constraint c "
        "JOIN LATERAL unnest(c.conkey) AS k(attnum) ON true "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
        "WHERE c.contype = 'p' AND c.conrelid = %s::regclass",
        [table],
    )
    return (rows[0][0] if rows else ""), [column for _, column in rows]


def _key_with_column(cursor: Any, table: str, column: str) -> str | None:
    """Make the database primary key include the distribution column; the action, if any."""
    name, columns = _primary_key(cursor, table)
    if column in columns:
        return None
    qn = connection.ops.quote_name
    keys = ", ".join(qn(c) for c in [*columns, column])
    # Citus runs one subcommand per ALTER TABLE on a table in its metadata.
    with transaction.atomic():
        cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} PRIMARY KEY ({keys})")
    return f"{table}: primary key ({', '.join([*columns, column])})"


def _uniques_with_column(cursor: Any, table: str, column: str) -> list[str]:
    """Make every unique constraint and unique index of `table` include the distribution
    column (Citus requires it): a key unique in the whole table becomes unique within a
    kab/kota, which for a UUID (`public_id`) changes nothing. The actions, one line each."""
    qn = connection.ops.quote_name
    rows = _rows(
        cursor,
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname "
        "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
        "AND c.contype = 'u' WHERE i.indrelid = %s::regclass AND i.indisunique "
        "AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_attribute a "
        "WHERE a.attrelid = i.indrelid AND a.attname = %s AND a.attnum = ANY(i.indkey))",
        [table, column],
    )
    done = []
    for index, definition, constraint in rows:
        head, _, rest = definition.partition(" USING btree (")
        columns, _, tail = rest.partition(")")
        with transaction.atomic():
            if constraint:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(constraint)}")
            else:
                cursor.execute(f"DROP INDEX {qn(index)}")
            cursor.execute(f"{head} USING btree ({columns}, {qn(column)}){tail}")
        done.append(f"{table}: unique ({columns}, {column})")
    return done


def _drop_foreign_keys(cursor: Any, table: str) -> None:
    """The foreign keys of `table` and those pointing to it (from other tables to be
    distributed: the plan allows no others), added back by _restore_foreign_keys."""
    qn = connection.ops.quote_name
    names = _rows(
        cursor,
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
        "AND (conrelid = %s::regclass OR confrelid = %s::regclass)",
        [table, table],
    )
    for owner, name in names:
        cursor.execute(f"ALTER TABLE {qn(owner)} DROP CONSTRAINT {qn(name)}")


def _restore_foreign_keys(cursor: Any, table: str, distributed: dict[str, str]) -> list[str]:
    """The model's foreign keys of a distributed table, added back where missing, deferred
    to the commit as Django makes them: to a reference table as they are; to a row of the
    same kab/kota (colocation.paired_keys) with the distribution column on both sides.
    A key to another distributed row (a child's mother, a session's household) cannot be a
    database constraint on Citus: the application keeps it, as Django does for deletes."""
    model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
    present = {
        name
        for (name,) in _rows(
            cursor,
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
    }
    qn = connection.ops.quote_name
    added = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, ForeignKey) or not getattr(field, "db_constraint", True):
            continue
        target = field.target_field
        target_table = target.model._meta.db_table
        columns, target_columns = [field.column], [target.column]
        if target_table in distributed:
            if field.name not in paired_keys(model):
                continue
            columns.insert(0, distributed[table])
            target_columns.insert(0, distributed[target_table])
        name = f"{table}_{field.column}_fk_citus"[:63]
        if name in present:
            continue
        cursor.execute(
            f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} FOREIGN KEY "
            f"({', '.join(map(qn, columns))}) REFERENCES {qn(target_table)} "
            f"({', '.join(map(qn, target_columns))}) DEFERRABLE INITIALLY DEFERRED"
        )
        added.append(f"{table}.{field.column}: foreign key to {target_table}")
    return added


def apply(plan: Plan, say: Callable[[str], None]) -> list[str]:
    """Bring the cluster to the plan; what was done, one line each (none when it already is)."""
    actions: list[str] = []
    with connection.cursor() as cursor:
        existing = _existing(cursor)
        missing = [t for t in plan.tables() if t not in existing]
        if missing:
            raise ValueError(f"tables in the plan but not in the database: {', '.join(missing)}")
        unplanned = sorted(existing - set(plan.tables()) - {"django_migrations"})
        for table in unplanned:
            say(f"not in {PLAN_FILE.name}, stays a plain local table: {table}")

        # 1. Distributed tables first, while they are plain tables (Citus cannot distribute a
        # Citus-managed local table with an identity column). Their foreign keys point to
        # tables that are not reference tables yet: they are dropped here and added back
        # from the models in step 4.
        kinds = placement(cursor)
        for item in plan.distributed:
            if kinds.get(item.table) == "distributed":
                continue
            if item.table in kinds:
                raise ValueError(
                    f"{item.table} is already a {kinds[item.table]} table in Citus: "
                    "undistribute_table() it first"
                )
            with transaction.atomic():
                _drop_foreign_keys(cursor, item.table)
                change = _key_with_column(cursor, item.table, item.column)
                actions += _uniques_with_column(cursor, item.table, item.column)
                cursor.execute(
                    "SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                    [item.table, item.column, item.colocate_with],
                )
            actions += [change] if change else []
            actions.append(f"{item.table}: distributed by {item.column}")

        # 2. Every other planned table joins Citus' metadata as a local table on the
        # coordinator (foreign keys between local and reference tables need it); a table
        # joins with every table it is connected to by foreign keys (cascade).
        kinds = placement(cursor)
        for table in [*plan.coordinator, *plan.reference]:
            if table not in kinds:
                cursor.execute(ADD_LOCAL, [table])
                actions.append(f"{table} and its foreign-key neighbours: local on the coordinator")
                kinds = placement(cursor)

        # 3. Reference tables, each after the reference tables it points to.
        for table in reference_order(cursor, plan.reference):
            if kinds.get(table) != "reference":
                cursor.execute("SELECT create_reference_table(%s)", [table])
                actions.append(f"{table}: reference table")

        # 4. The distributed tables' foreign keys, now to reference or co-located tables.
        columns = {d.table: d.column for d in plan.distributed}
        for item in plan.distributed:
            actions += _restore_foreign_keys(cursor, item.table, columns)
    for line in actions:
        say(line)
    return actions


def pending(plan: Plan) -> list[str]:
    """Tables whose placement differs from the plan, as 'table: wanted (now)'."""
    with connection.cursor() as cursor:
        kinds = placement(cursor)
    wanted = {
        **{t: "reference" for t in plan.reference},
        **{d.table: "distributed" for d in plan.distributed},
        **{t: "local" for t in plan.coordinator},
    }
    return [
        f"{table}: {kind} (now {kinds.get(table, 'plain')})"
        for table, kind in wanted.items()
        if kinds.get(table) != kind
    ]
