"""95% confidence intervals of the nutrition prevalences, and whether one is precise enough
to rank (rule as data: rules/presisi_prevalensi.json). Pure functions, no database.

Design, stated on the pages: the children counted in the region and month are taken as a
simple random sample (no clusters, no weights), and the interval is what the WHO Anthro Survey
Analyser (``anthro_prevalence``) reports for that design: ``growthstandards.prevalence.
srs_interval`` (logit interval, Student's t on N - 1 degrees of freedom, N the children
counted, of whom those with the indicator's z-score are the domain). The prevalence tool
(``python -m growthstandards prevalence``) gives the same numbers on the region's download
without its ``cluster`` column.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from growthstandards.prevalence import srs_interval
from posyandu.core.rules import Rule, load_rule
from posyandu.laporan.skdn import RATIOS

# the prevalences among the ratios of the monthly figures: code -> (count, denominator)
PREVALENCES = {
    code: RATIOS[code]
    for code in (
        "stunting",
        "stunting_berat",
        "wasting",
        "wasting_berat",
        "underweight",
        "overweight",
    )
}


@dataclass(frozen=True)
class Presisi:
    """A prevalence (%) with its 95% CI and the ranking verdict of the rule."""

    percent: float
    lower: float
    upper: float
    n: int
    rankable: bool

    @property
    def width(self) -> float:
        return self.upper - self.lower

    def text(self) -> str:
        """“18.2-24.9” (one decimal, like the prevalences on the pages)."""
        return f"{self.lower:.1f}–{self.upper:.1f}"


@cache
def rule() -> Rule:
    return load_rule("laporan", "presisi_prevalensi")


def rankable(percent: float, lower: float, upper: float, n: int) -> bool:
    """The rule (NCHS data presentation standard for proportions, adapted: see the file)."""
    r = rule().data
    if n < r["min_n"]:
        return False
    width = upper - lower
    if width <= r["narrow_width_pp"]:
        return True
    if width >= r["max_width_pp"]:
        return False
    return percent > 0 and 100 * width / percent <= r["max_relative_width_pct"]


def interval(cases: int, n: int, rows: int | None = None) -> Presisi | None:
    """The prevalence of ``cases`` among ``n`` children with its interval; None when n = 0.
    ``rows``: the children of the sample (those counted in the month: `diukur`), of whom the
    ``n`` with this indicator's z-score are the domain (default: n)."""
    if n <= 0:
        return None
    found = srs_interval(cases, n, max(n, rows or n))
    return Presisi(
        percent=found.percent,
        lower=found.lower,
        upper=found.upper,
        n=n,
        rankable=rankable(found.percent, found.lower, found.upper, n),
    )


def of_counts(counts: dict[str, int], *, small: bool = False) -> dict[str, Presisi | None]:
    """Every prevalence of one unit's monthly counts; all None when the small-number policy
    allows counts only (``small``), like the percentages themselves."""
    if small:
        return dict.fromkeys(PREVALENCES)
    rows = counts.get("diukur", 0)
    return {
        code: interval(counts[num], counts[den], rows) for code, (num, den) in PREVALENCES.items()
    }


def of_figures(figures: Any) -> dict[str, Presisi | None]:
    """``of_counts`` of a ``selectors.Figures``."""
    return of_counts(figures.counts, small=figures.small)
