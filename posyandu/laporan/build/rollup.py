"""Sums of the report tables per region, read by every region dashboard.

RekapWilayah and LayananWilayah hold RekapBulanan and RekapLayanan summed per desa,
kecamatan, kab/kota and province: a region's figures are its own rows, the units below it
the rows whose parent (`induk_kode`) it is, so no page sums more than a few hundred rows.
They are written two ways, which always agree:

- `add_rekap` / `add_layanan` (record listeners): a recompute of some Posyandu rows passes
  the rows it replaced and the rows it wrote; the differences are added to the four regions
  above each row, one UPDATE per desa (regions without a row for a new key get one at zero
  first). The recompute holds its Posyandu's row lock, so two saves never add the same
  difference twice; the cost does not grow with the size of the region.
- `roll_up_rekap` / `roll_up_layanan` (rebuilds, the reference): every region within a
  prefix summed again, the desa from the Posyandu rows and each level from the one below, in
  the database (INSERT ... SELECT), then the regions above the prefix from their children.

RekapWilayah has a row wherever a Posyandu row exists (zeros included: a month with rows is
a month with figures); LayananWilayah only where the sums are not both zero.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Case, F, Q, Value, When

from posyandu.laporan.models import LayananWilayah, RekapBulanan, RekapLayanan, RekapWilayah
from posyandu.laporan.skdn import FIELDS

# Code length of each level, the desa first, and of its parent ("" above a province).
LEVELS = ((13, 8), (8, 5), (5, 2), (2, 0))
COVERAGE = ("pembilang", "penyebut")

Values = tuple[int, ...]
# (desa_kode, periode, jk) of a RekapBulanan row, (desa_kode, periode, kode) of a RekapLayanan
# row: the key of its contribution to the regions above it.
Key = tuple[str, str, str]


def chain(desa: str) -> list[tuple[str, str]]:
    """(region, parent) from the desa up to its province."""
    return [(desa[:n], desa[:p]) for n, p in LEVELS]


# --- The differences of a recompute (listeners) ----------------------------------------------


def _differences(old: dict[Key, Values], new: dict[Key, Values]) -> dict[str, dict[Any, Values]]:
    """{desa: {(periode, jk or kode): new - old}} where anything changed."""
    found: dict[str, dict[Any, Values]] = defaultdict(dict)
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        width = len(before or after or ())
        diff = tuple(
            (after[i] if after else 0) - (before[i] if before else 0) for i in range(width)
        )
        if any(diff):
            desa, periode, other = key
            found[desa][(periode, other)] = diff
    return found


def _add(
    model: type[RekapWilayah] | type[LayananWilayah],
    other: str,
    fields: Sequence[str],
    changes: dict[str, dict[Any, Values]],
) -> None:
    """Add each desa's differences to the rows of the desa and the regions above it: one
    UPDATE per desa, whatever the number of keys (a CASE per field when several)."""
    for desa, diffs in changes.items():
        regions = [region for region, _parent in chain(desa)]
        match = Q()
        for periode, value in diffs:
            match |= Q(periode=periode, **{other: value})
        update: dict[str, Any] = {}
        for i, name in enumerate(fields):
            parts = [(k, d[i]) for k, d in diffs.items() if d[i]]
            if not parts:
                continue
            if len(diffs) == 1:
                update[name] = F(name) + parts[0][1]
            else:
                whens = [When(periode=p, **{other: v}, then=Value(n)) for (p, v), n in parts]
                update[name] = F(name) + Case(*whens, default=Value(0))
        model.objects.filter(match, wilayah_kode__in=regions).update(**update)


def _create_missing(
    model: type[RekapWilayah] | type[LayananWilayah], other: str, keys: Iterable[Key]
) -> None:
    """Rows at zero for these keys in every region above them, where there are none yet."""
    rows = {
        (region, parent, periode, value)
        for desa, periode, value in keys
        for region, parent in chain(desa)
    }
    new: list[Any] = [
        model(wilayah_kode=r, induk_kode=p, periode=periode, **{other: v})
        for r, p, periode, v in sorted(rows)
    ]
    model.objects.bulk_create(new, ignore_conflicts=True)


def add_rekap(old: dict[Key, Values], new: dict[Key, Values]) -> None:
    """RekapBulanan rows `old` ({(desa_kode, periode, jk): counts in FIELDS order}) were
    replaced by `new`: bring RekapWilayah along."""
    fresh = new.keys() - old.keys()
    if fresh:
        _create_missing(RekapWilayah, "jk", fresh)
    _add(RekapWilayah, "jk", FIELDS, _differences(old, new))


def add_layanan(old: dict[Key, Values], new: dict[Key, Values]) -> None:
    """RekapLayanan rows `old` ({(desa_kode, periode, kode): (pembilang, penyebut)}) were
    replaced by `new`: bring LayananWilayah along (a sum back to zero loses its row)."""
    changes = _differences(old, new)
    if not changes:
        return
    _create_missing(
        LayananWilayah, "kode", [(desa, p, k) for desa, diffs in changes.items() for p, k in diffs]
    )
    _add(LayananWilayah, "kode", COVERAGE, changes)
    lowered = [
        (desa, periode, kode)
        for desa, diffs in changes.items()
        for (periode, kode), diff in diffs.items()
        if min(diff) < 0
    ]
    if lowered:
        match = Q()
        for desa, periode, kode in lowered:
            regions = [region for region, _parent in chain(desa)]
            match |= Q(wilayah_kode__in=regions, periode=periode, kode=kode)
        LayananWilayah.objects.filter(match, pembilang=0, penyebut=0).delete()


# --- Everything within a prefix again (rebuilds) ---------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _at_level(column: str, prefix: str, n: int) -> tuple[str, list[str]]:
    """Codes of length-`n` regions in `column`: those within `prefix` when the level is at or
    below it, else the one ancestor of `prefix` at that level."""
    if n >= len(prefix):
        return _within(column, prefix)
    return f"{_q(column)} = %s", [prefix[:n]]


def _within(column: str, prefix: str) -> tuple[str, list[str]]:
    """SQL: the column holds `prefix` or a code below it (always true for '')."""
    if not prefix:
        return "1 = 1", []
    return f"({_q(column)} = %s OR {_q(column)} LIKE %s)", [prefix, prefix + ".%"]


# Rows written in the order pages read them (by parent and period): the units below a region
# sit together in a few table pages instead of one page each.
ORDER = "ORDER BY 2, 3"


def _roll_up(
    base: type[models.Model],
    rollup: type[models.Model],
    other: str,
    fields: Sequence[str],
    periods: Sequence[str],
    prefix: str,
    having: str = "",
) -> None:
    table, source = _q(rollup._meta.db_table), _q(base._meta.db_table)
    columns = ", ".join(_q(c) for c in ("wilayah_kode", "induk_kode", "periode", other, *fields))
    sums = ", ".join(f"SUM({_q(f)})" for f in fields)
    marks = ", ".join(["%s"] * len(periods))
    in_periods = f"{_q('periode')} IN ({marks})"
    with connection.cursor() as cursor:
        # Regions within the prefix, and the prefix's ancestors (their sums change with it).
        for n, _parent in LEVELS:
            where, params = _at_level("wilayah_kode", prefix, n)
            cursor.execute(
                f"DELETE FROM {table} WHERE {in_periods} AND {where} "  # noqa: S608
                f"AND LENGTH({_q('wilayah_kode')}) = %s",
                [*periods, *params, n],
            )
        # The desa from the Posyandu rows.
        where, params = _within("desa_kode", prefix[:13])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608
            f"SELECT {_q('desa_kode')}, SUBSTR({_q('desa_kode')}, 1, 8), {_q('periode')}, "
            f"{_q(other)}, {sums} FROM {source} WHERE {in_periods} AND {where} "
            f"GROUP BY {_q('desa_kode')}, {_q('periode')}, {_q(other)} {having} {ORDER}",
            [*periods, *params],
        )
        # Each level above from the rows of the level below.
        for (n, parent), (child, _n) in zip(LEVELS[1:], LEVELS, strict=False):
            where, params = _at_level("induk_kode", prefix, n)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"SELECT {_q('induk_kode')}, SUBSTR({_q('induk_kode')}, 1, %s), "
                f"{_q('periode')}, {_q(other)}, {sums} FROM {table} "
                f"WHERE {in_periods} AND {where} AND LENGTH({_q('wilayah_kode')}) = %s "
                f"GROUP BY {_q('induk_kode')}, {_q('periode')}, {_q(other)} {ORDER}",
                [parent, *periods, *params, child],
            )


def roll_up_rekap(*, periods: Iterable[str], prefix: str = "") -> None:
    """Rewrite RekapWilayah of these periods for every region within `prefix` (all when '')
    and the regions above it, from RekapBulanan."""
    periods = sorted(set(periods))
    if periods:
        with transaction.atomic():
            _roll_up(RekapBulanan, RekapWilayah, "jk", FIELDS, periods, prefix)


def layanan_periods(years: Iterable[int]) -> list[str]:
    """A year's rows: the year and its twelve months, by name (an IN list the indexes answer;
    a LIKE prefix uses none on a non-C collation)."""
    years = sorted(set(years))
    return [f"{y:04d}" for y in years] + [f"{y:04d}-{m:02d}" for y in years for m in range(1, 13)]


def roll_up_layanan(*, years: Iterable[int], prefix: str = "") -> None:
    """Rewrite LayananWilayah of these years (the year and its months) for every region
    within `prefix` (all when '') and the regions above it, from RekapLayanan."""
    periods = layanan_periods(years)
    if periods:
        having = f"HAVING SUM({_q('pembilang')}) > 0 OR SUM({_q('penyebut')}) > 0"
        with transaction.atomic():
            _roll_up(RekapLayanan, LayananWilayah, "kode", COVERAGE, periods, prefix, having)
