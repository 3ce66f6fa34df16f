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
from datetime import date

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
    months_touched,
    stored_rows,
    window,
    write_rows,
)
from posyandu.sasaran.models import Sasaran

# child id -> {measurement id: how it counted before the save (None: it did not count)}
Befores = dict[int, dict[int, skdn.Measurement | None]]


def _series_pairs(
    children: list[skdn.Child], befores: Befores, days: dict[int, set[date]]
) -> tuple[list[tuple[skdn.ChildSeries, skdn.ChildSeries]], dict[int, set[int]]]:
    """(after, before) series of each child, over the same loaded window (the union of the
    months the changes touch, from two months before the first), and the touched months of
    each child. One query reads every measurement of the children: what the window holds,
    which later weighed month the change touches, whether any weighing came before."""
    every = measurements_of([c.id for c in children], None)
    months = {
        c.id: months_touched(
            days[c.id], (m.day for m in every.get(c.id, ()) if m.weight_dag is not None)
        )
        for c in children
    }
    start, end = window(set().union(*months.values()))
    pairs = []
    for child in children:
        now = [m for m in every.get(child.id, ()) if start <= m.day <= end]
        # The weighings before the window are the same before and after the save: every
        # saved day lies in the window.
        earlier = any(m.day < start and m.weight_dag is not None for m in every.get(child.id, ()))
        saved = befores[child.id]
        then = [m for m in now if m.id not in saved]
        then += [m for m in saved.values() if m is not None]
        pairs.append(
            (skdn.ChildSeries(child, now, earlier), skdn.ChildSeries(child, then, earlier))
        )
    return pairs, months


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


def rekap_add_changes(befores: Befores, days: dict[int, set[date]]) -> set[tuple[int, int]]:
    """Add to the stored rows what the saved measurements changed in each child's share.
    `days`: child id -> the days of the saved measurements, before and after. Returns the
    (Posyandu, month) pairs to recompute whole instead: those without rows yet (a touched
    month gets its rows, as a whole recompute gives them) and those whose rows cannot take
    the difference."""
    with transaction.atomic(savepoint=False):
        # The children through the live manager, as rekap_bulanan._children (a deleted person
        # counts nowhere), then the same row lock on their Posyandu as a whole recompute, in
        # Posyandu order (a statement of its own: on a Citus cluster the people are sharded
        # and only the Posyandu, a reference table, can be locked). Taken before the
        # measurements are read: a save of the same child in another transaction has
        # committed by then and is seen, and the region sums move against the rows read below.
        rows = Sasaran.objects.filter(id__in=list(befores), posyandu__isnull=False).values_list(
            *CHILD_FIELDS
        )
        children = [child_of(row) for row in rows]
        if not children:
            return set()
        posyandu_ids = sorted({c.posyandu_id for c in children})
        locked = Posyandu.objects.filter(id__in=posyandu_ids).order_by("id").select_for_update()
        list(locked.values_list("id", flat=True))
        pairs, months = _series_pairs(children, befores, days)
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
