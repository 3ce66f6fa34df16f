"""Reads of RekapLayanan (coverage and SPM) for a region or a Posyandu and a month.

Monthly indicators are shown cumulatively for the year up to the chosen month, yearly ones
(SPM, adult screening) for the month's year, vitamin A for the latest round (February or
August) on or before the month. Access is checked by the caller (selectors.region_get /
posyandu_get), as for the SKDN rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr

from posyandu.core.disclosure import counts_only
from posyandu.core.periods import period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import indicators
from posyandu.laporan.build import coverage_counts
from posyandu.laporan.models import LayananKecamatan, RekapLayanan
from posyandu.laporan.selectors import (
    CHILD_FIELD,
    CHILD_LENGTH,
    level_within,
    rolled_up,
    rows_within,
)

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

    @property
    def pct(self) -> float | None:
        # Same small-number rule as SKDN (core.disclosure): too small a denominator shows
        # counts only.
        return None if counts_only(self.den) else round(100 * self.num / self.den, 1)

    @property
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
    elif rolled_up(kode):  # province, kab/kota, country: the per-kecamatan sums
        base = LayananKecamatan.objects.filter(level_within(kode))
    else:
        base = RekapLayanan.objects.filter(rows_within(kode))
    rows = (
        base.filter(_filter(month)).values("kode").annotate(n=Sum("pembilang"), d=Sum("penyebut"))
    )
    return _cells({r["kode"]: (r["n"] or 0, r["d"] or 0) for r in rows})


def units_below(*, kode: str, month: int) -> dict[str, dict[str, Cell]]:
    """{unit code (or Posyandu id as str below a desa): {indicator: Cell}} in one query."""
    rows: QuerySet[Any, Any]
    if rolled_up(kode):
        rows = LayananKecamatan.objects.filter(level_within(kode)).filter(_filter(month))
    else:
        rows = RekapLayanan.objects.filter(rows_within(kode)).filter(_filter(month))
    grouped: QuerySet[Any, Any]  # rows of .values(): dicts
    if rolled_up(kode):
        key = CHILD_FIELD[len(kode)]
        grouped = rows.values(key, "kode").order_by()
    elif len(kode) == 13:
        per_posyandu = RekapLayanan.objects.filter(rows_within(kode)).filter(_filter(month))
        grouped = per_posyandu.values("posyandu_id", "kode")
        key = "posyandu_id"
    else:
        grouped = rows.annotate(unit=Substr("desa_kode", 1, CHILD_LENGTH[len(kode)])).values(
            "unit", "kode"
        )
        key = "unit"
    found: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for r in grouped.annotate(n=Sum("pembilang"), d=Sum("penyebut")):
        found[str(r[key])][r["kode"]] = (r["n"] or 0, r["d"] or 0)
    return {unit: _cells(cells) for unit, cells in found.items()}


def antigen_codes() -> list[str]:
    return [f"imun_{c}" for c in coverage_counts.idl_doses()]
