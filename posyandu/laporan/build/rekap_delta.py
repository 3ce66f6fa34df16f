"""A saved measurement moves one child's share of a few SKDN rows: add the difference.

Recomputing the measurement's Posyandu-months from all its children (about 90 at Riau's
density) was most of a save's time. A child's share of a row (skdn.ChildSeries.counts)
depends only on the child and the child's own measurements, so a row changes by the child's
share after the save minus its share before; "before" is the child's stored measurements
with each saved one as it was (its loaded values, kept in the listener's key). A touched
month without rows yet, or a row that cannot take the difference (a count that would fall
below zero: the stored row was not what the before-values say), is handed back to be
recomputed whole (rekap_bulanan.rekap_recompute), which writes any row from scratch.
"""

from collections.abc import Iterable

from django.db import transaction

from posyandu.core.periods import current_month, parse_period, period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import skdn
from posyandu.laporan.build.rekap_bulanan import (
    CHILD_FIELDS,
    Counts,
    Row,
    child_of,
    measurements_of,
    note_earlier_weighings,
    stored_rows,
    write_rows,
)
from posyandu.sasaran.models import Sasaran

# child id -> {measurement id: how it counted before the save (None: it did not count)}
Befores = dict[int, dict[int, skdn.Measurement | None]]


def _series_pairs(
    children: list[skdn.Child], befores: Befores, months: dict[int, set[int]]
) -> list[tuple[skdn.ChildSeries, skdn.ChildSeries]]:
    """(after, before) series of each child, over the same loaded window: the union of the
    children's months, from two months before the first."""
    every_month = set().union(*(months[c.id] for c in children))
    stored = measurements_of([c.id for c in children], every_month)
    pairs = []
    for child in children:
        now = stored.get(child.id, [])
        saved = befores[child.id]
        then = [m for m in now if m.id not in saved]
        then += [m for m in saved.values() if m is not None]
        pairs.append((skdn.ChildSeries(child, now, False), skdn.ChildSeries(child, then, False)))
    # Both series of a child: the weighings before the window are the same for them (every
    # saved day lies in the window), but either series may be the one whose first loaded
    # weighing needs to know them (a deleted first weighing: only "before" asks).
    note_earlier_weighings([one for pair in pairs for one in pair], every_month)
    return pairs


def _differences(
    pairs: Iterable[tuple[skdn.ChildSeries, skdn.ChildSeries]], months: dict[int, set[int]]
) -> tuple[dict[Row, list[int]], set[tuple[int, str]]]:
    """The differences per row, and every (Posyandu, periode) the changes touch."""
    found: dict[Row, list[int]] = {}
    touched: set[tuple[int, str]] = set()
    last = current_month()
    for after, before in pairs:
        child = after.child
        for month in sorted(m for m in months[child.id] if m <= last):
            touched.add((child.posyandu_id, period_of(month)))
            diff = [a - b for a, b in zip(after.counts(month), before.counts(month), strict=True)]
            if any(diff):
                row = (child.posyandu_id, period_of(month), child.sex)
                total = found.setdefault(row, [0] * len(diff))
                for i, d in enumerate(diff):
                    total[i] += d
    return found, touched


def rekap_add_changes(befores: Befores, months: dict[int, set[int]]) -> set[tuple[int, int]]:
    """Add to the stored rows what the saved measurements changed in each child's share.
    `months`: child id -> the months the change can touch (listeners.affected_months).
    Returns the (Posyandu, month) pairs to recompute whole instead: those without rows yet
    (a touched month gets its rows, as a whole recompute gives them) and those whose rows
    cannot take the difference."""
    with transaction.atomic(savepoint=False):
        # The live manager, as rekap_bulanan._children: a deleted person counts nowhere.
        rows = Sasaran.objects.filter(id__in=list(befores), posyandu_id__isnull=False)
        children = [child_of(row) for row in rows.values_list(*CHILD_FIELDS)]
        if not children:
            return set()
        # The same row lock as a whole recompute, taken before the measurements are read: a
        # save of the same child in another transaction has committed by then and is seen,
        # and the region sums move against the rows read below.
        posyandu_ids = sorted({c.posyandu_id for c in children})
        list(Posyandu.objects.filter(id__in=posyandu_ids).select_for_update().values("id"))
        pairs = _series_pairs(children, befores, months)
        differences, touched = _differences(pairs, months)
        if not touched:
            return set()
        old = stored_rows(posyandu_ids, sorted({periode for _pid, periode in touched}))
        missing = touched - {(pid, periode) for pid, periode, _sex in old}
        whole = {(pid, parse_period(periode)) for pid, periode in missing}
        new: dict[Row, tuple[str, Counts]] = {}
        for row, diff in differences.items():
            if row[:2] in missing:
                continue
            stored = old.get(row)
            counts = tuple(c + d for c, d in zip(stored[1], diff, strict=True)) if stored else ()
            if stored is None or min(counts) < 0:
                whole.add((row[0], parse_period(row[1])))
            else:
                new[row] = (stored[0], counts)
        write_rows(new, old, roll_up=True)
    return whole
