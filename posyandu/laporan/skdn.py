"""SKDN and nutrition status of one child in one month: pure Python, no database.

The definitions (docs/indicators.md, issue 7); S, K and D are sesi.skdn's, shared with the
session summary and the targets page:
- S: aged 0-59 completed months on the last day of the month, active on that day;
- K: of S, has a KMS / Buku KIA;
- D: of S, weighed at least once in the month (any source); the month's last weighing counts;
- of D: B = first weighing ever; O = not weighed the previous month but weighed before;
  N / T = weighed both months and the gain (last weighing vs the previous month's last
  weighing, whole grams) >= / < the KBM for the age in completed months at this weighing;
- 2T: T this month and T the month before;
- nutrition, for the children of D, from the month's last measurement (weight or length):
  a WHO flag on HAZ, WHZ or WAZ, or a flagged value not confirmed yet (`perlu_cek_ulang`
  without `dikonfirmasi_pada`: a WHO flag on any index or a re-measure warning), puts the
  child under `flagged` and in no prevalence; the others count in `diukur` and, where the
  z-score is not NA, in the indicator's denominator. S, K, D and N/T/O/B ignore flags.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from growthstandards import MAX_KBM_AGE_MONTHS, kbm_grams
from posyandu.core.periods import first_day, last_day, month_index
from posyandu.sasaran.life_stage import completed_months
from posyandu.sesi import skdn as definition

FIELDS = (
    "s", "k", "d", "n", "t", "o", "b", "t2",
    "diukur", "stunting", "stunting_berat", "wasting", "wasting_berat",
    "underweight", "overweight", "flagged", "n_haz", "n_whz", "n_waz",
)  # fmt: skip
ZERO = (0,) * len(FIELDS)

# ratio -> (numerator, denominator) of the counts in FIELDS
RATIOS = {
    "ks": ("k", "s"),
    "ds": ("d", "s"),
    "dk": ("d", "k"),
    "nd": ("n", "d"),
    "stunting": ("stunting", "n_haz"),
    "stunting_berat": ("stunting_berat", "n_haz"),
    "wasting": ("wasting", "n_whz"),
    "wasting_berat": ("wasting_berat", "n_whz"),
    "underweight": ("underweight", "n_waz"),
    "overweight": ("overweight", "n_whz"),
}


@dataclass(frozen=True)
class Child:
    id: int
    posyandu_id: int
    sex: str
    birth: date
    status: str
    status_since: date | None
    has_kms: bool
    merged: bool = False


@dataclass(frozen=True)
class Measurement:
    """One Pengukuran with a weight and/or a length; ordered by (day, id)."""

    day: date
    id: int
    weight_dag: int | None  # weight in units of 10 g (the stored 2 decimals, exact)
    zlen: float | None = None
    flen: bool | None = None
    zwei: float | None = None
    fwei: bool | None = None
    zwfl: float | None = None
    fwfl: bool | None = None
    unconfirmed: bool = False  # flagged (perlu_cek_ulang) and not confirmed yet


def weight_units(weight_kg: object) -> int | None:
    """Stored kg with 2 decimals -> exact integer tens of grams (no float rounding)."""
    if weight_kg is None:
        return None
    return int((Decimal(str(weight_kg)) * 100).to_integral_value())


def in_s(child: Child, month: int) -> bool:
    """In S of the month (sesi.skdn.in_s on its last day); a merged record never."""
    return not child.merged and definition.in_s(
        child.birth, child.status, child.status_since, last_day(month)
    )


class ChildSeries:
    """A child's measurements, indexed by month, answering the monthly questions."""

    def __init__(self, child: Child, rows: Sequence[Measurement], weighed_earlier: bool) -> None:
        self.child = child
        self.weighed_earlier = weighed_earlier  # any weighing before the loaded rows
        self.last_weighing: dict[int, Measurement] = {}
        self.last_measurement: dict[int, Measurement] = {}
        self.first_weighing_month: int | None = None
        for row in sorted(rows, key=lambda r: (r.day, r.id)):
            month = month_index(row.day)
            self.last_measurement[month] = row
            if row.weight_dag is not None:
                self.last_weighing[month] = row
                if self.first_weighing_month is None:
                    self.first_weighing_month = month

    def weighed_before(self, month: int) -> bool:
        if self.weighed_earlier:
            return True
        return self.first_weighing_month is not None and self.first_weighing_month < month

    def status(self, month: int) -> str:
        """N, T, O, B, or '' when not weighed this month (or the age is out of the KBM table)."""
        now = self.last_weighing.get(month)
        return "" if now is None else self.weighing_status(now)[0]

    def weighing_status(self, now: Measurement) -> tuple[str, int | None]:
        """N, T, O or B of one weighing as if it were its month's last, and the KBM (grams)
        N / T was decided by; '' when it is no weighing or the age is out of the KBM table."""
        if now.weight_dag is None:
            return "", None
        month = month_index(now.day)
        if not self.weighed_before(month):
            return "B", None
        prev = self.last_weighing.get(month - 1)
        if prev is None:
            return "O", None
        age = completed_months(self.child.birth, now.day)
        if not 0 <= age <= MAX_KBM_AGE_MONTHS:
            return "", None
        assert prev.weight_dag is not None  # last_weighing holds weighings only
        kbm = kbm_grams(age)
        return ("N" if (now.weight_dag - prev.weight_dag) * 10 >= kbm else "T"), kbm

    def counts(self, month: int) -> tuple[int, ...]:
        """The child's contribution to the unit's row of `month`, in FIELDS order."""
        if not in_s(self.child, month):
            return ZERO
        k = int(self.child.has_kms)
        if month not in self.last_weighing:
            return (1, k) + ZERO[2:]
        code = self.status(month)
        t2 = int(code == "T" and self.status(month - 1) == "T")
        nutrition = nutrition_counts(self.last_measurement[month])
        ntob = (int(code == "N"), int(code == "T"), int(code == "O"), int(code == "B"))
        return (1, k, 1, *ntob, t2, *nutrition)


def nutrition_counts(m: Measurement) -> tuple[int, ...]:
    """diukur, stunting, stunting_berat, wasting, wasting_berat, underweight, overweight,
    flagged, n_haz, n_whz, n_waz."""
    if m.flen or m.fwfl or m.fwei or m.unconfirmed:
        return (0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)
    zlen, zwfl, zwei = m.zlen, m.zwfl, m.zwei
    return (
        1,
        int(zlen is not None and zlen < -2),
        int(zlen is not None and zlen < -3),
        int(zwfl is not None and zwfl < -2),
        int(zwfl is not None and zwfl < -3),
        int(zwei is not None and zwei < -2),
        int(zwfl is not None and zwfl > 2),
        0,
        int(zlen is not None),
        int(zwfl is not None),
        int(zwei is not None),
    )


def unit_counts(series: Iterable[ChildSeries], month: int) -> tuple[int, ...]:
    # Column sums in one pass (zip): a listener sums a Posyandu's children for a few months.
    rows = [c for one in series if (c := one.counts(month)) is not ZERO]
    return tuple(map(sum, zip(*rows, strict=True))) if rows else ZERO


def window(month: int) -> tuple[date, date]:
    """Days whose measurements a month's figures depend on (2T looks two months back)."""
    return first_day(month - 2), last_day(month)
