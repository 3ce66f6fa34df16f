"""SKDN and nutrition status of one child in one month: pure Python, no database.

The definitions (docs/indicators.md, issue 7):
- S: aged 0-59 completed months on the last day of the month, active on that day;
- K: of S, has a KMS / Buku KIA;
- D: of S, weighed at least once in the month (any source); the month's last weighing counts;
- of D: B = first weighing ever; O = not weighed the previous month but weighed before;
  N / T = weighed both months and the gain (last weighing vs the previous month's last
  weighing, whole grams) >= / < the KBM for the age in completed months at this weighing;
- 2T: T this month and T the month before;
- nutrition, for the children of D, from the month's last measurement (weight or length):
  a WHO flag on HAZ, WHZ or WAZ puts the child under `flagged` and in no prevalence; the
  others count in `diukur` and, where the z-score is not NA, in the indicator's denominator.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from growthstandards import kbm_grams
from posyandu.core.periods import first_day, last_day, month_index
from posyandu.sasaran.life_stage import completed_months

MAX_AGE_MONTHS = 59
FIELDS = (
    "s", "k", "d", "n", "t", "o", "b", "t2",
    "diukur", "stunting", "stunting_berat", "wasting", "wasting_berat",
    "underweight", "overweight", "flagged", "n_haz", "n_whz", "n_waz",
)  # fmt: skip
ZERO = (0,) * len(FIELDS)


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


def weight_units(weight_kg: object) -> int | None:
    """Stored kg with 2 decimals -> exact integer tens of grams (no float rounding)."""
    if weight_kg is None:
        return None
    from decimal import Decimal

    return int((Decimal(str(weight_kg)) * 100).to_integral_value())


def counted_on(child: Child, day: date) -> bool:
    """Active on `day`: not merged; moved away or died only after that day."""
    if child.merged or child.status == "digabung":
        return False
    if child.status == "aktif":
        return True
    return child.status_since is not None and child.status_since > day


def in_s(child: Child, month: int) -> bool:
    end = last_day(month)
    if child.birth > end or not counted_on(child, end):
        return False
    return completed_months(child.birth, end) <= MAX_AGE_MONTHS


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
        if now is None:
            return ""
        if not self.weighed_before(month):
            return "B"
        prev = self.last_weighing.get(month - 1)
        if prev is None:
            return "O"
        age = completed_months(self.child.birth, now.day)
        if not 0 <= age <= 60:
            return ""
        assert now.weight_dag is not None and prev.weight_dag is not None  # weighings only
        gain_g = (now.weight_dag - prev.weight_dag) * 10
        return "N" if gain_g >= kbm_grams(age) else "T"

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
    if m.flen or m.fwfl or m.fwei:
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


def add(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def unit_counts(series: Iterable[ChildSeries], month: int) -> tuple[int, ...]:
    total = ZERO
    for one in series:
        total = add(total, one.counts(month))
    return total


def window(month: int) -> tuple[date, date]:
    """Days whose measurements a month's figures depend on (2T looks two months back)."""
    return first_day(month - 2), last_day(month)
