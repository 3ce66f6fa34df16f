"""Keeps RekapBulanan current: recompute the Posyandu-months a change can touch.

A measurement dated in month m changes the figures of m (D, N/T/O/B, nutrition), m+1 (N/T
looks back one month), m+2 (2T looks back two) and the child's next weighed month after
those (whose B becomes O, or back). A change of a person (birth date, status, KMS,
Posyandu) touches every maintained month of its Posyandu. Each recompute reads only that
Posyandu's children and the measurements of the months in question, writes only the rows
whose counts changed and adds the differences to the regions above (build/rollup.py), so it
takes milliseconds, inside the saving transaction.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from posyandu.audit.recorder import log
from posyandu.core.periods import (
    current_month,
    first_day,
    last_day,
    month_index,
    parse_period,
    period_of,
)
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import skdn
from posyandu.laporan.build.rollup import add_rekap, roll_up_rekap
from posyandu.laporan.models import RekapBulanan
from posyandu.sasaran.life_stage import BALITA, born_between_for
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import NUTRITION_Z_FIELDS, Pengukuran
from posyandu.wilayah.models import in_region

SEXES = ("L", "P")
Row = tuple[int, str, str]  # (posyandu_id, periode, jk) of a RekapBulanan row
Counts = tuple[int, ...]  # in skdn.FIELDS order
_MEASURED = Q(berat_kg__isnull=False) | Q(tinggi_cm__isnull=False)


# What a child's share of the rows depends on (skdn.Child), in its constructor's order.
CHILD_FIELDS = (
    "id", "posyandu_id", "jenis_kelamin", "tanggal_lahir", "status", "status_sejak",
    "punya_buku_kia", "digabung_ke_id",
)  # fmt: skip
# What of a measurement the rows depend on (skdn.Measurement), with its child first.
MEASUREMENT_FIELDS = (
    "sasaran_id", "tanggal", "id", "berat_kg", *NUTRITION_Z_FIELDS, "perlu_cek_ulang",
    "dikonfirmasi_pada",
)  # fmt: skip


def child_of(row: tuple[Any, ...]) -> skdn.Child:
    """A skdn.Child from the values of CHILD_FIELDS."""
    i, p, sex, birth, status, since, kms, merged = row
    return skdn.Child(i, p, sex, birth, status, since, kms, merged is not None)


def measurement_of(row: tuple[Any, ...]) -> tuple[int, skdn.Measurement]:
    """(child id, skdn.Measurement) from the values of MEASUREMENT_FIELDS."""
    sid, day, mid, berat, zlen, flen, zwei, fwei, zwfl, fwfl, recheck, confirmed = row
    unconfirmed = bool(recheck) and confirmed is None
    weight = skdn.weight_units(berat)
    return sid, skdn.Measurement(day, mid, weight, zlen, flen, zwei, fwei, zwfl, fwfl, unconfirmed)


def _children(posyandu_ids: list[int], months: list[int]) -> list[skdn.Child]:
    # Every child in S of one of the months (the oldest: S of the first month).
    oldest, _ = born_between_for(BALITA, last_day(min(months)))
    rows = Sasaran.objects.filter(
        posyandu_id__in=posyandu_ids,
        tanggal_lahir__lte=last_day(max(months)),
        tanggal_lahir__gt=oldest,
    ).values_list(*CHILD_FIELDS)
    return [child_of(row) for row in rows]


def months_touched(days: Iterable[date], weighed: Iterable[date]) -> set[int]:
    """The months whose figures a measurement of the child on one of `days` changes: its own
    month m, m+1 and m+2, and the child's next weighed month after those (`weighed`: the
    days the child was weighed)."""
    weighed = sorted(weighed)
    months: set[int] = set()
    for day in days:
        m = month_index(day)
        months |= {m, m + 1, m + 2}
        after = last_day(m + 2)
        later = next((d for d in weighed if d > after), None)
        if later is not None:
            months.add(month_index(later))
    return months


def window(months: Iterable[int]) -> tuple[date, date]:
    """The days whose measurements the rows of these months read: from two months before
    the first (2T looks back two months) to the end of the last."""
    months = list(months)
    return first_day(min(months) - 2), last_day(max(months))


def measurements_of(
    child_ids: list[int], months: Iterable[int] | None
) -> dict[int, list[skdn.Measurement]]:
    """The measurements the rows of these months count (with a weight or a length, in their
    `window`), by child; every one of the children with `months=None`."""
    # By child id, so the (sasaran, tanggal) index answers: a join on the Posyandu made
    # PostgreSQL scan months of the whole province (seconds at 5 million rows).
    rows: dict[int, list[skdn.Measurement]] = defaultdict(list)
    found = Pengukuran.objects.filter(_MEASURED, sasaran_id__in=child_ids)
    if months is not None:
        found = found.filter(tanggal__range=window(months))
    measured = found.values_list(*MEASUREMENT_FIELDS).order_by()
    # a Posyandu or two (a save): one plain fetch; a rebuild's batch: streamed
    for row in measured.iterator(4000) if len(child_ids) > 1000 else measured:
        sid, measurement = measurement_of(row)
        rows[sid].append(measurement)
    return rows


def note_earlier_weighings(series: list[skdn.ChildSeries], months: Iterable[int]) -> None:
    """B or O needs to know about weighings before the loaded window (two months before the
    first of `months`) only for a child whose first loaded weighing falls in one of the
    months: ask for those few children only."""
    wanted = set(months)
    unsure = {one.child.id for one in series if one.first_weighing_month in wanted}
    if not unsure:
        return
    earlier = set(
        Pengukuran.objects.filter(
            sasaran_id__in=unsure, berat_kg__isnull=False, tanggal__lt=window(wanted)[0]
        )
        .order_by()
        .values_list("sasaran_id", flat=True)
        .distinct()
    )
    for one in series:
        one.weighed_earlier = one.child.id in earlier


def _series(children: list[skdn.Child], months: list[int]) -> list[skdn.ChildSeries]:
    if not children:
        return []
    rows = measurements_of([c.id for c in children], months)
    series = [skdn.ChildSeries(c, rows.get(c.id, ()), False) for c in children]
    note_earlier_weighings(series, months)
    return series


def rekap_recompute(
    *, posyandu_ids: Iterable[int], months: Iterable[int], roll_up: bool = True
) -> int:
    """Recompute the rows of these Posyandu and months, writing only the rows that changed,
    and (unless a rebuild rolls up once at its end: `roll_up=False`) add the differences to
    the regions above them (build/rollup.py). Returns rows written."""
    posyandu_ids = sorted(set(posyandu_ids))
    months = sorted({m for m in months if m <= current_month()})
    if not posyandu_ids or not months:
        return 0
    periods = [period_of(m) for m in months]
    # No savepoint inside a save: a failure rolls the whole save back anyway.
    with transaction.atomic(savepoint=False):
        found = Posyandu.objects.filter(id__in=posyandu_ids)
        if roll_up:
            # One recompute of a Posyandu at a time: the differences it adds to the regions
            # above are against the rows it read (the next one waits and reads these).
            found = found.select_for_update()
        desa = dict(found.values_list("id", "desa_id"))
        series = _series(_children(list(desa), months), months)
        by_unit: dict[tuple[int, str], list[skdn.ChildSeries]] = defaultdict(list)
        for one in series:
            by_unit[(one.child.posyandu_id, one.child.sex)].append(one)
        new: dict[Row, tuple[str, Counts]] = {}
        for pid, desa_kode in desa.items():
            for sex in SEXES:
                unit = by_unit.get((pid, sex), [])
                for month in months:
                    counts = skdn.unit_counts(unit, month)
                    new[(pid, period_of(month), sex)] = (desa_kode, counts)
        return write_rows(new, stored_rows(list(desa), periods), roll_up=roll_up)


def stored_rows(posyandu_ids: list[int], periods: list[str]) -> dict[Row, tuple[str, Counts, int]]:
    """{(posyandu, periode, jk): (desa_kode, counts in skdn.FIELDS order, row id)}."""
    rows = (
        RekapBulanan.objects.filter(posyandu_id__in=posyandu_ids, periode__in=periods)
        .values_list("posyandu_id", "desa_kode", "periode", "jk", "id", *skdn.FIELDS)
        .order_by()
    )
    return {(r[0], r[2], r[3]): (r[1], tuple(r[5:]), r[4]) for r in rows}


def write_rows(
    new: dict[Row, tuple[str, Counts]],
    old: dict[Row, tuple[str, Counts, int]],
    *,
    roll_up: bool,
) -> int:
    """Write the rows of `new` ({row: (desa_kode, counts)}) that differ from the stored `old`
    and, with `roll_up`, add the differences to the regions above. Returns rows written."""
    changed = [k for k, v in new.items() if k not in old or old[k][:2] != v]
    if not changed:
        return 0
    stale = [old[k][2] for k in changed if k in old]
    if stale:
        RekapBulanan.objects.filter(id__in=stale).delete()
    RekapBulanan.objects.bulk_create(
        [
            RekapBulanan(
                posyandu_id=pid,
                desa_kode=new[(pid, periode, sex)][0],
                periode=periode,
                jk=sex,
                **dict(zip(skdn.FIELDS, new[(pid, periode, sex)][1], strict=True)),
            )
            for pid, periode, sex in changed
        ],
        batch_size=2000,
    )
    if roll_up:
        add_rekap(
            {(old[k][0], k[1], k[2]): old[k][1] for k in changed if k in old},
            {(new[k][0], k[1], k[2]): new[k][1] for k in changed},
        )
    return len(changed)


def rekap_rebuild(*, prefix: str = "", start: int, end: int, batch: int = 100) -> int:
    """Full rebuild of the months start..end for every Posyandu under `prefix` (all if '').
    Returns rows written (rows already right are left alone)."""
    posyandu = Posyandu.objects.order_by("desa_id", "id")
    if prefix:
        posyandu = posyandu.filter(in_region("desa__kode", prefix))
    ids = list(posyandu.values_list("id", flat=True))
    months = list(range(start, end + 1))
    written = 0
    for i in range(0, len(ids), batch):
        written += rekap_recompute(posyandu_ids=ids[i : i + batch], months=months, roll_up=False)
    roll_up_rekap(periods=[period_of(m) for m in months], prefix=prefix)
    log(
        "import",
        model="laporan.RekapBulanan",
        wilayah_kode=prefix,
        metadata={"rebuild": True, "from": period_of(start), "to": period_of(end), "rows": written},
    )
    return written


def maintained_months(posyandu_ids: Iterable[int]) -> list[int]:
    """Months that already have rows for these Posyandu (the ones a change must refresh)."""
    periods = (
        RekapBulanan.objects.filter(posyandu_id__in=list(posyandu_ids))
        .values_list("periode", flat=True)
        .distinct()
    )
    return sorted({parse_period(p) for p in periods})


def rekap_ensure(
    *,
    kode: str = "",
    posyandu_id: int | None = None,
    months: Iterable[int],
    limit: int | None = None,
) -> int:
    """Write the missing Posyandu-months of a region before it is read. Returns rows written.

    Rows appear when something changes in a Posyandu-month, and `laporan_rebuild` writes the
    new month for every Posyandu; a Posyandu where nothing was entered for a while would
    otherwise show S = 0 for those months although its children are still there. `limit`
    caps the Posyandu-months filled in one call (dashboards), leaving larger gaps to the
    rebuild job; the report commands fill everything.
    """
    months = sorted({m for m in months if m <= current_month()})
    posyandu = Posyandu.objects.all()
    if posyandu_id is not None:
        posyandu = posyandu.filter(id=posyandu_id)
    elif kode:
        posyandu = posyandu.filter(in_region("desa__kode", kode))
    if not months:
        return 0
    expected = posyandu.count()
    periods = [period_of(m) for m in months]
    present = RekapBulanan.objects.filter(posyandu__in=posyandu, periode__in=periods)
    counted = dict(
        present.values("periode")
        .annotate(n=Count("posyandu_id", distinct=True))
        .values_list("periode", "n")
    )
    gaps = [m for m in months if counted.get(period_of(m), 0) < expected]
    if not gaps:
        return 0
    have = set(
        present.filter(periode__in=[period_of(m) for m in gaps])
        .values_list("posyandu_id", "periode")
        .distinct()
    )
    missing: dict[int, list[int]] = defaultdict(list)
    for pid in posyandu.values_list("id", flat=True):
        for m in gaps:
            if (pid, period_of(m)) not in have:
                missing[pid].append(m)
    if limit is not None and sum(len(v) for v in missing.values()) > limit:
        return 0
    by_months: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for pid, pid_months in missing.items():
        by_months[tuple(pid_months)].append(pid)
    written = 0
    for same_months, pids in by_months.items():
        for i in range(0, len(pids), 100):
            written += rekap_recompute(posyandu_ids=pids[i : i + 100], months=same_months)
    return written
