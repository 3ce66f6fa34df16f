"""Reads of the monthly aggregates for a user: units below a region, totals, trends.

A region's figures are its rows in RekapWilayah (one per sex and month), the units below it
the rows whose parent it is; below a desa, the Posyandu's own RekapBulanan rows. Access: a
region needs aggregate access covering the whole region; a Posyandu needs aggregate access
to that Posyandu (kader: their own).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from posyandu.accounts.scope import restrict, scope_for
from posyandu.core.disclosure import counts_only, small_number_threshold
from posyandu.core.periods import current_month, parse_period, period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.models import RekapBulanan, RekapWilayah
from posyandu.laporan.skdn import FIELDS, RATIOS
from posyandu.wilayah.codes import ancestors_of
from posyandu.wilayah.models import Wilayah

CHILD_LENGTH = {0: 2, 2: 5, 5: 8, 8: 13}  # code length of the units one level below


class OutOfScope(Exception):
    """The region or Posyandu does not exist or lies outside the user's scope."""


@dataclass
class Figures:
    """Summed counts of one unit and month, with the derived ratios."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def __getitem__(self, key: str) -> int:
        return self.counts[key]

    @property
    def small(self) -> bool:
        """Too few children (S) for a percentage: counts only (core.disclosure)."""
        return counts_only(self.counts["s"])

    @property
    def small_threshold(self) -> int:
        return small_number_threshold()

    def pct(self, num: str, den: str) -> float | None:
        d = self.counts[den]
        return None if self.small or not d else round(100 * self.counts[num] / d, 1)

    def ratios(self) -> dict[str, float | None]:
        if self.small:  # asked once, not per ratio: pages ask for thousands of ratios
            return dict.fromkeys(RATIOS)
        c = self.counts
        return {k: round(100 * c[n] / c[d], 1) if c[d] else None for k, (n, d) in RATIOS.items()}


@dataclass
class Unit:
    kode: str
    nama: str
    figures: Figures
    posyandu: Posyandu | None = None


def posyandu_code(posyandu: Posyandu) -> str:
    """The code a Posyandu carries in reports and exports: its facility code, else an id."""
    return posyandu.kode or f"PY{posyandu.id}"


def region_get(*, user: Any, kode: str) -> Wilayah | None:
    """The region if the user's aggregate access covers all of it; '' = everything (admin)."""
    access = scope_for(user).aggregate
    if kode == "":
        if access.everything:
            return None
        raise OutOfScope(kode)
    if not access.covers_region(kode):
        raise OutOfScope(kode)
    try:
        return Wilayah.objects.get(kode=kode)
    except Wilayah.DoesNotExist as exc:
        raise OutOfScope(kode) from exc


def posyandu_get(*, user: Any, public_id: Any) -> Posyandu:
    found = restrict(Posyandu.objects.select_related("desa"), user, "aggregate")
    try:
        return found.get(public_id=public_id)
    except Posyandu.DoesNotExist as exc:
        raise OutOfScope(str(public_id)) from exc


def rows_for(
    *, kode: str = "", posyandu: Posyandu | None = None
) -> QuerySet[RekapBulanan] | QuerySet[RekapWilayah]:
    """The rows whose sum is the figures of a Posyandu (its own rows), a region (its row per
    month and sex in RekapWilayah) or the whole country (the provinces' rows)."""
    if posyandu is not None:
        return RekapBulanan.objects.filter(posyandu=posyandu)
    if not kode:
        return RekapWilayah.objects.filter(induk_kode="")
    return RekapWilayah.objects.filter(wilayah_kode=kode)


def _summed(rows: QuerySet[Any, Any], key: str) -> dict[Any, Figures]:
    """{key: Figures} of the rows summed by `key` in Python: they are a few dozen (a region's
    rows per sex), and a plain read compiles and runs faster than nineteen SUMs."""
    sums: dict[Any, list[int]] = {}
    for k, *counts in rows.values_list(key, *FIELDS).order_by():
        _add(sums, k, counts)
    return {k: _figures_of(v) for k, v in sums.items()}


# Silent Posyandu-months (nothing entered) get their rows from the build and the nightly job
# (laporan/jobs.py), never from a page view: reads here only read.


def total(*, kode: str = "", posyandu: Posyandu | None = None, month: int) -> Figures:
    rows = rows_for(kode=kode, posyandu=posyandu).filter(periode=period_of(month))
    return _summed(rows, "periode").get(period_of(month), Figures())


def units_below(*, kode: str, month: int, sex: str = "") -> list[Unit]:
    """One Unit per region (or Posyandu, below a desa) directly below `kode`, by code."""
    rows: QuerySet[Any, Any]
    if len(kode) == 13:
        rows = RekapBulanan.objects.filter(desa_kode=kode, periode=period_of(month))
        rows = rows.filter(jk=sex) if sex else rows
        return _posyandu_units(kode, _summed(rows, "posyandu_id"))
    rows = RekapWilayah.objects.filter(induk_kode=kode, periode=period_of(month))
    rows = rows.filter(jk=sex) if sex else rows
    return _region_units(_children(kode), _summed(rows, "wilayah_kode"))


def _children(kode: str) -> list[Wilayah]:
    regions = Wilayah.objects.filter(kode__startswith=kode + "." if kode else "")
    regions = regions.filter(**({"induk_id": kode} if kode else {"tingkat": "provinsi"}))
    return list(regions.order_by("kode").only("kode", "nama"))


def _region_units(regions: list[Wilayah], sums: dict[Any, Figures]) -> list[Unit]:
    return [Unit(w.kode, w.nama, sums.get(w.kode) or Figures()) for w in regions]


def _posyandu_units(desa: str, sums: dict[Any, Figures]) -> list[Unit]:
    posyandu = Posyandu.objects.filter(desa_id=desa).order_by("kode", "nama", "id")
    units = [Unit(posyandu_code(p), p.nama, sums.get(p.id) or Figures(), p) for p in posyandu]
    return sorted(units, key=lambda u: u.kode)


@dataclass
class RegionPage:
    """The SKDN part of a region's dashboard."""

    path: list[Wilayah]  # the region and the regions above it, province first ([]: country)
    month: int
    trend: list[tuple[str, Figures]]  # the region's months ending with `month`, oldest first
    units: list[Unit]  # the units below it in `month`, by code


def region_page(*, user: Any, kode: str, month: int | None, months: int = 13) -> RegionPage:
    """What a region page shows of the SKDN rows, in as few reads as a page can make: one
    for the region, those above it (breadcrumb) and below it (names); one for the region's
    `months` months and its units' month (below a desa, the Posyandu rows and names are two
    more). The month: `month`, else the latest with figures (one more read only when that
    is not the current month), else the current. Access as `region_get`."""
    if kode and not scope_for(user).aggregate.covers_region(kode):
        raise OutOfScope(kode)
    if not kode:
        region_get(user=user, kode=kode)  # everything: admin only
        path, children = [], _children(kode)
    else:
        found = Q(kode__in=ancestors_of(kode)) | (Q(induk_id=kode) if len(kode) < 13 else Q())
        regions = list(Wilayah.objects.filter(found).order_by("kode"))
        path = [w for w in regions if len(w.kode) <= len(kode) and kode.startswith(w.kode)]
        children = [w for w in regions if w.induk_id == kode]
        if not path or path[-1].kode != kode:
            raise OutOfScope(kode)
    shown = month if month is not None else current_month()
    trend, units, present = _region_rows(kode, shown, months, children)
    if month is None and not present:
        latest = latest_period(kode=kode)
        if latest is not None and parse_period(latest) != shown:
            shown = parse_period(latest)
            trend, units, present = _region_rows(kode, shown, months, children)
    return RegionPage(path, shown, trend, units)


def _region_rows(
    kode: str, month: int, months: int, children: list[Wilayah]
) -> tuple[list[tuple[str, Figures]], list[Unit], bool]:
    """The region's figures of `months` months ending with `month`, its units' of `month`,
    and whether the region has rows in `month`."""
    periods = [period_of(m) for m in range(month - months + 1, month + 1)]
    if len(kode) == 13:
        own = _summed(rows_for(kode=kode).filter(periode__in=periods), "periode")
        points = [(p, own.get(p) or Figures()) for p in periods]
        return points, units_below(kode=kode, month=month), periods[-1] in own
    if kode:
        rows = RekapWilayah.objects.filter(
            Q(wilayah_kode=kode, periode__in=periods) | Q(induk_kode=kode, periode=periods[-1])
        )
    else:  # the country: the provinces' rows are its sums and its units
        rows = RekapWilayah.objects.filter(induk_kode="", periode__in=periods)
    sums: dict[str, list[int]] = {}
    below: dict[str, list[int]] = {}
    for code, periode, *counts in rows.values_list("wilayah_kode", "periode", *FIELDS):
        if code == kode or not kode:
            _add(sums, periode, counts)
        if code != kode and periode == periods[-1]:
            _add(below, code, counts)
    points = [(p, _figures_of(sums.get(p))) for p in periods]
    units = _region_units(children, {c: _figures_of(v) for c, v in below.items()})
    return points, units, periods[-1] in sums


def _figures_of(counts: list[int] | None) -> Figures:
    return Figures() if counts is None else Figures(dict(zip(FIELDS, counts, strict=True)))


def _add(sums: dict[Any, list[int]], key: Any, counts: list[int]) -> None:
    found = sums.get(key)
    sums[key] = counts if found is None else [a + b for a, b in zip(found, counts, strict=True)]


def trend(
    *, kode: str = "", posyandu: Posyandu | None = None, end: int, months: int = 12
) -> list[tuple[str, Figures]]:
    """(period, figures) for the `months` months ending with `end`, oldest first."""
    periods = [period_of(m) for m in range(end - months + 1, end + 1)]
    sums = _summed(rows_for(kode=kode, posyandu=posyandu).filter(periode__in=periods), "periode")
    return [(p, sums.get(p) or Figures()) for p in periods]


def latest_period(*, kode: str = "", posyandu: Posyandu | None = None) -> str | None:
    rows = rows_for(kode=kode, posyandu=posyandu)
    return rows.order_by("-periode").values_list("periode", flat=True).first()
