"""Reads of the monthly aggregates for a user: units below a region, totals, trends.

Everything here sums RekapBulanan rows grouped by a prefix of the desa code (or by Posyandu
below a desa). Access: a region needs aggregate access covering the whole region; a Posyandu
needs aggregate access to that Posyandu (kader: their own).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.db.models.lookups import Exact

from posyandu.accounts.scope import restrict, scope_for
from posyandu.core.disclosure import counts_only, small_number_threshold
from posyandu.core.periods import period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.models import RekapBulanan, RekapKecamatan
from posyandu.laporan.skdn import FIELDS
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
        return {
            "ks": self.pct("k", "s"),
            "ds": self.pct("d", "s"),
            "dk": self.pct("d", "k"),
            "nd": self.pct("n", "d"),
            "stunting": self.pct("stunting", "n_haz"),
            "stunting_berat": self.pct("stunting_berat", "n_haz"),
            "wasting": self.pct("wasting", "n_whz"),
            "wasting_berat": self.pct("wasting_berat", "n_whz"),
            "underweight": self.pct("underweight", "n_waz"),
            "overweight": self.pct("overweight", "n_whz"),
        }


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


def rows_within(kode: str) -> Q:
    """Report rows (RekapBulanan, RekapLayanan: one desa_kode each) of the desa under `kode`;
    every row when `kode` is empty. A kecamatan filters on the expression its index holds
    (models: `*_kecamatan_periode`); a LIKE prefix uses no index on a non-C collation."""
    if not kode:
        return Q()
    if len(kode) == 13:
        return Q(desa_kode=kode)
    if len(kode) == 8:
        return Q(Exact(Substr("desa_kode", 1, 8), kode))
    return Q(desa_kode__startswith=kode + ".")


# Level column of the per-kecamatan tables (RekapKecamatan, LayananKecamatan) by code length.
LEVEL_FIELD = {0: "", 2: "provinsi_kode", 5: "kabkota_kode"}
CHILD_FIELD = {0: "provinsi_kode", 2: "kabkota_kode", 5: "kecamatan_kode"}


def rolled_up(kode: str) -> bool:
    """Province, kab/kota and the whole country read the per-kecamatan sums."""
    return len(kode) in LEVEL_FIELD


def level_within(kode: str) -> Q:
    """Rows of the per-kecamatan tables within a province or kab/kota (all when empty)."""
    return Q(**{LEVEL_FIELD[len(kode)]: kode}) if kode else Q()


def _sums() -> dict[str, Sum]:
    return {f: Sum(f) for f in FIELDS}


def _figures(row: dict[str, Any]) -> Figures:
    return Figures({f: int(row.get(f) or 0) for f in FIELDS})


def rows_for(
    *, kode: str = "", posyandu: Posyandu | None = None
) -> QuerySet[RekapBulanan] | QuerySet[RekapKecamatan]:
    if posyandu is not None:
        return RekapBulanan.objects.filter(posyandu=posyandu)
    if rolled_up(kode):
        return RekapKecamatan.objects.filter(level_within(kode))
    return RekapBulanan.objects.filter(rows_within(kode))


# Silent Posyandu-months (nothing entered) get their rows from the build and the nightly job
# (laporan/jobs.py), never from a page view: reads here only read.


def total(*, kode: str = "", posyandu: Posyandu | None = None, month: int) -> Figures:
    row = rows_for(kode=kode, posyandu=posyandu).filter(periode=period_of(month))
    return _figures(row.aggregate(**_sums()))


def units_below(*, kode: str, month: int, sex: str = "") -> list[Unit]:
    """One Unit per region (or Posyandu, below a desa) directly below `kode`, by code."""
    rows = rows_for(kode=kode).filter(periode=period_of(month))
    if sex:
        rows = rows.filter(jk=sex)
    if len(kode) == 13:
        per_posyandu = RekapBulanan.objects.filter(rows_within(kode), periode=period_of(month))
        per_posyandu = per_posyandu.filter(jk=sex) if sex else per_posyandu
        grouped = per_posyandu.values("posyandu_id").annotate(**_sums())
        sums = {r["posyandu_id"]: r for r in grouped}
        posyandu = Posyandu.objects.filter(desa_id=kode).order_by("kode", "nama", "id")
        units = [Unit(posyandu_code(p), p.nama, _figures(sums.get(p.id, {})), p) for p in posyandu]
        return sorted(units, key=lambda u: u.kode)
    if rolled_up(kode):
        child = CHILD_FIELD[len(kode)]
        sums = {r[child]: r for r in rows.values(child).annotate(**_sums()).order_by()}
    else:
        by_desa: QuerySet[Any, Any] = rows.annotate(
            unit=Substr("desa_kode", 1, CHILD_LENGTH[len(kode)])
        )
        sums = {r["unit"]: r for r in by_desa.values("unit").annotate(**_sums())}
    regions = Wilayah.objects.filter(kode__startswith=kode + "." if kode else "")
    regions = regions.filter(**({"induk_id": kode} if kode else {"tingkat": "provinsi"}))
    return [Unit(w.kode, w.nama, _figures(sums.get(w.kode, {}))) for w in regions.order_by("kode")]


def trend(
    *, kode: str = "", posyandu: Posyandu | None = None, end: int, months: int = 12
) -> list[tuple[str, Figures]]:
    """(period, figures) for the `months` months ending with `end`, oldest first."""
    periods = [period_of(m) for m in range(end - months + 1, end + 1)]
    rows = rows_for(kode=kode, posyandu=posyandu).filter(periode__in=periods)
    sums = {r["periode"]: r for r in rows.values("periode").annotate(**_sums()).order_by()}
    return [(p, _figures(sums.get(p, {}))) for p in periods]


def latest_period(*, kode: str = "", posyandu: Posyandu | None = None) -> str | None:
    rows = rows_for(kode=kode, posyandu=posyandu)
    return rows.order_by("-periode").values_list("periode", flat=True).first()
