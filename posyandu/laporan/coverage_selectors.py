"""Reads of the coverage and SPM rows for a region (its sums in LayananWilayah) or a
Posyandu (its RekapLayanan rows) and a month.

Monthly indicators are shown cumulatively for the year up to the chosen month, yearly ones
(SPM, adult screening) for the month's year, vitamin A for the latest round (February or
August) on or before the month. Access is checked by the caller (selectors.region_get /
posyandu_get), as for the SKDN rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet, Sum

from posyandu.core.disclosure import counts_only
from posyandu.core.periods import period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import indicators
from posyandu.laporan.build import coverage_counts
from posyandu.laporan.models import LayananWilayah, RekapLayanan

# Shown on the dashboards, in this order (the registry has the names and targets).
MONTHLY = (
    "idl",
    "anc_k1",
    "anc_k4",
    "anc_k6",
    "kf1",
    "kf_lengkap",
    "kn_lengkap",
    "rujukan_selesai",
)
YEARLY = (
    "skrining_dewasa",
    "skrining_lansia",
    "spm_bumil",
    "spm_bbl",
    "spm_balita",
    "spm_usia_produktif",
    "spm_lansia",
    "spm_hipertensi",
    "spm_dm",
)
SHOWN = ("idl", "vitamin_a", *MONTHLY[1:], *YEARLY)
RANKED = ("idl", "anc_k6", "kf_lengkap", "vitamin_a", "skrining_dewasa", "skrining_lansia")


@dataclass(frozen=True)
class Cell:
    kode: str
    num: int
    den: int

    @cached_property  # a page asks several times per cell
    def pct(self) -> float | None:
        # Same small-number rule as SKDN (core.disclosure): too small a denominator shows
        # counts only.
        return None if counts_only(self.den) else round(100 * self.num / self.den, 1)

    @cached_property
    def rating(self) -> str:
        code = "imunisasi_antigen" if self.kode.startswith("imun_") else self.kode
        return indicators.rating(code, self.pct)


def vitamin_a_round(month: int) -> int:
    """The latest February or August on or before the month."""
    rounds = coverage_counts.rules()["vitamin_a_months"]
    m = month
    while m % 12 + 1 not in rounds:
        m -= 1
    return m


def _periods(month: int) -> tuple[list[str], str, str]:
    year = month // 12
    months = [period_of(m) for m in range(year * 12, month + 1)]
    return months, f"{year:04d}", period_of(vitamin_a_round(month))


def _filter(month: int) -> Q:
    months, year, round_ = _periods(month)
    # The leading IN list of every period lets an index on (kecamatan, periode) answer; the
    # OR alone made SQLite scan the period index over the whole province.
    return Q(periode__in=sorted({*months, year, round_})) & (
        Q(periode__in=months) & ~Q(kode="vitamin_a")
        | Q(periode=year)
        | Q(periode=round_, kode="vitamin_a")
    )


def _cells(rows: dict[str, tuple[int, int]]) -> dict[str, Cell]:
    return {k: Cell(k, n, d) for k, (n, d) in rows.items()}


def totals(*, kode: str = "", posyandu: Posyandu | None = None, month: int) -> dict[str, Cell]:
    base: QuerySet[Any, Any]
    if posyandu is not None:
        base = RekapLayanan.objects.filter(posyandu=posyandu)
    elif kode:  # the region's own rows
        base = LayananWilayah.objects.filter(wilayah_kode=kode)
    else:  # the whole country: the provinces' rows
        base = LayananWilayah.objects.filter(induk_kode="")
    rows = (
        base.filter(_filter(month)).values("kode").annotate(n=Sum("pembilang"), d=Sum("penyebut"))
    )
    return _cells({r["kode"]: (r["n"] or 0, r["d"] or 0) for r in rows.order_by()})


def units_below(*, kode: str, month: int) -> dict[str, dict[str, Cell]]:
    """{unit code (or Posyandu id as str below a desa): {indicator: Cell}} in one query."""
    rows: QuerySet[Any, Any]
    if len(kode) == 13:
        rows = RekapLayanan.objects.filter(desa_kode=kode)
        key = "posyandu_id"
    else:
        rows = LayananWilayah.objects.filter(induk_kode=kode)
        key = "wilayah_kode"
    grouped = rows.filter(_filter(month)).values(key, "kode").order_by()
    found: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for r in grouped.annotate(n=Sum("pembilang"), d=Sum("penyebut")):
        found[str(r[key])][r["kode"]] = (r["n"] or 0, r["d"] or 0)
    return {unit: _cells(cells) for unit, cells in found.items()}


def summed(units: dict[str, dict[str, Cell]]) -> dict[str, Cell]:
    """The cells of a region from those of all its units below (`units_below`): the same as
    `totals` of the region, without reading again."""
    sums: dict[str, tuple[int, int]] = {}
    for cells in units.values():
        for code, cell in cells.items():
            num, den = sums.get(code, (0, 0))
            sums[code] = (num + cell.num, den + cell.den)
    return _cells({code: nd for code, nd in sums.items() if nd != (0, 0)})


def antigen_codes() -> list[str]:
    return [f"imun_{c}" for c in coverage_counts.idl_doses()]
