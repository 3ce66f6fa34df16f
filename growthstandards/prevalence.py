"""Survey prevalence of malnutrition, 0-5 years: the WHO standard analysis.

A numpy re-implementation of ``anthro_prevalence`` of the WHO R package ``anthro`` (which
uses Thomas Lumley's ``survey`` package). Same inputs (named like the R arguments), same
output columns (``Group``, ``HAZ_pop``, ``HAZ_unwpop``, ``HA_3_r`` ... ``HA_2_WH2_ul``) and the
same rules:

- z-scores from ``who2006.zscores``; a flagged z-score is excluded (NA) for its indicator;
- oedema "y": weight-for-age, weight-for-height and BMI z-scores are NA for the mean and SD,
  and count as -3.1 for the prevalences (in the denominator, and below -3/-2/-1);
- rows with missing cluster or strata, or age > 1826 days (age rounded half up, in days), are
  left out; a missing sampling weight counts as 0 (the row stays in the design);
- design: PSU = cluster (or every row its own PSU when there is only one cluster), strata,
  weights; one-stage Taylor linearisation (``svyrecvar``) with ``survey.lonely.psu =
  "adjust"``; domains (groups) keep the whole design (zero scores outside the domain);
- prevalence = weighted mean of the 0/1 indicator; its 95% CI is the ``svyciprop`` "logit"
  interval: ``expit(logit(p) +- t * se(p) / (p (1 - p)))``;
- z-score mean with a Wald interval ``mean +- t * se``; SD = sqrt of ``svyvar``
  (``n / (n - 1)`` times the weighted variance, n = observations with a weight > 0);
- t = Student's t 97.5% quantile with the design's degrees of freedom (PSUs with a weight > 0
  minus their strata; none: the intervals are NA);
- anthro has three backends and so does this module (``Design.backend``): "survey" when a
  cluster or strata column is given (even with one value), else "simple" (all weights 1) or
  "hybrid" (weights). Without cluster and strata the SD's n counts the values present, the
  z-score mean interval uses N - 1 degrees of freedom, and a text factor's groups come in the
  order they first appear, with an empty "NA" group where values are missing;
- groups: All; age group (00-05 ... 48-59 mo); sex (Female, Male); age + sex; then each of
  typeres (Area), gregion, wealthq (Q1: Poorest ... Q5: Richest), mothered, othergr present
  in the data. Factor levels without children give a row with 0 counts and NA values.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np

from . import inputs, who2006

DAYS_PER_MONTH = who2006.DAYS_PER_MONTH
MAX_AGE_DAYS = 1826
SIGNIFICANCE = 0.05
# R's glm.control(): what svyciprop's fit stops at
GLM_EPSILON = 1e-8
GLM_MAX_ITERATIONS = 25
OEDEMA_Z = -3.1
AGE_GROUPS = ("00-05 mo", "06-11 mo", "12-23 mo", "24-35 mo", "36-47 mo", "48-59 mo")
AGE_BREAKS = np.array([0.0, 6.0, 12.0, 24.0, 36.0, 48.0, 60.0])
SEX_LEVELS = ("Female", "Male")
WEALTH_LEVELS = ("Q1: Poorest", "Q2", "Q3", "Q4", "Q5: Richest")
OPTIONAL_FACTORS = (
    ("typeres", "Area"),
    ("gregion", "Geographical region"),
    ("wealthq", "Wealth quintile"),
    ("mothered", "Maternal education"),
    ("othergr", "Other grouping"),
)
CUTOFFS = ((-3.0, "_3"), (-2.0, "_2"), (-1.0, "_1"), (1.0, "1"), (2.0, "2"), (3.0, "3"))
# label, z for the prevalences, z for mean/SD (output order of the R function)
INDICATORS = (("HA", "zlen"), ("WA", "zwei"), ("BMI", "zbmi"), ("WH", "zwfl"))
STATS = ("r", "se", "ll", "ul")
DENSE_LIMIT = 1 << 22  # (group, PSU) cells up to which PSU totals are a dense table


def _columns() -> tuple[str, ...]:
    cols = ["Group"]
    for label, _ in INDICATORS:
        cols += [f"{label}Z_pop", f"{label}Z_unwpop"]
        for _, suffix in CUTOFFS:
            cols += [f"{label}{suffix}_{s}" for s in STATS]
        cols += [f"{label}_{s}" for s in STATS] + [f"{label}_stdev"]
    cols += ["HA_2_WH_2_pop", "HA_2_WH_2_unwpop"]
    cols += [f"HA_2_WH_2_{s}" for s in STATS] + [f"HA_2_WH2_{s}" for s in STATS]
    return tuple(cols)


COLUMNS = _columns()


# --- Student's t quantile (no scipy): regularized incomplete beta + bisection ---------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if math.isinf(df):
        return 0.5 * math.erfc(-t / math.sqrt(2.0))
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_pdf(t: float, df: float) -> float:
    """Density of Student's t with ``df`` degrees of freedom."""
    log_c = math.lgamma((df + 1.0) / 2.0) - math.lgamma(df / 2.0) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1.0) / 2.0 * math.log1p(t * t / df))


@lru_cache(maxsize=8192)
def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t (as R ``qt``, within 1e-10); NaN for df <= 0. The Cornish-Fisher
    expansion around the normal quantile, refined by Newton's method below 200 degrees of
    freedom, bisection below 3 (a dashboard asks one per unit's denominator)."""
    if not df > 0:
        return math.nan
    if math.isinf(df):
        return NormalDist().inv_cdf(p)
    if df >= 3:
        z = NormalDist().inv_cdf(p)
        # Abramowitz & Stegun 26.7.5: the error is O(df^-5), below 1e-10 from df = 200 on,
        # where the incomplete beta behind t_cdf gets slow (its continued fraction needs
        # about sqrt(df) terms)
        x = z + sum(
            g / df**k
            for k, g in enumerate(
                (
                    (z**3 + z) / 4,
                    (5 * z**5 + 16 * z**3 + 3 * z) / 96,
                    (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
                    (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
                ),
                start=1,
            )
        )
        if df >= 200:
            return x
        # Newton converges quadratically from there (about 1e-6 off): two or three steps. A
        # tolerance at the rounding noise of t_cdf (1e-16) would never be met and fall
        # through to the bisection, at 20 times the cost
        for _ in range(8):
            step = (t_cdf(x, df) - p) / t_pdf(x, df)
            x -= step
            if abs(step) <= 1e-13 * max(1.0, abs(x)):
                return x
    return _t_quantile_bisect(p, df)


def _t_quantile_bisect(p: float, df: float) -> float:
    lo, hi = -1.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    while t_cdf(lo, df) > p:
        lo *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --- the design -------------------------------------------------------------------------------


@dataclass
class Design:
    """Filtered rows: weights, PSU index per row, stratum per PSU, and the t quantile."""

    weights: np.ndarray  # float64, NA weights already 0
    psu: np.ndarray  # int64 PSU index per row, 0..n_psu-1
    psu_stratum: np.ndarray  # int64 stratum index per PSU
    n_per_stratum: np.ndarray  # PSUs per stratum
    # t quantile of the prevalence intervals: survey's degf(), the PSUs with a weight > 0 minus
    # their strata (rows with a missing weight, weight 0, do not count)
    t_value: float
    # t quantile of the z-score mean intervals: the same with a cluster or strata; without
    # them anthro's own code uses N - 1, N = all rows kept (zero weights included)
    t_mean: float
    # anthro's backend: "survey" when a cluster or strata column is given (even with a single
    # value), else "simple" (every weight 1) or "hybrid" (weights); they differ in the n of
    # the SD's n / (n - 1), in t_mean, in the order of a text factor's groups and at p = 1
    backend: str
    row_psu: bool  # every row is its own PSU (no cluster, or a single one)

    @property
    def full_survey(self) -> bool:
        return self.backend == "survey"

    @property
    def n_psu(self) -> int:
        return len(self.psu_stratum)

    @classmethod
    def build(
        cls, cluster: np.ndarray, strata: np.ndarray, weights: np.ndarray, surveyed: bool
    ) -> Design:
        """``surveyed``: a cluster or strata column was given (anthro's survey backend)."""
        n = len(weights)
        _, strata_idx = np.unique(strata, return_inverse=True)
        one_cluster = len(np.unique(cluster)) <= 1
        if one_cluster:  # ids = ~1: every row is its own PSU
            psu = np.arange(n, dtype=np.int64)
            psu_stratum = strata_idx.astype(np.int64)
        else:
            clusters, cluster_idx = np.unique(cluster, return_inverse=True)
            pair = strata_idx.reshape(-1) * len(clusters) + cluster_idx.reshape(-1)
            uniq, psu_inv = np.unique(pair, return_inverse=True)  # sorted by stratum, cluster
            psu = psu_inv.reshape(-1).astype(np.int64)
            psu_stratum = (uniq // len(clusters)).astype(np.int64)
        n_per_stratum = np.bincount(psu_stratum)
        weighted_psu = np.unique(psu[weights > 0])
        df = len(weighted_psu) - len(np.unique(psu_stratum[weighted_psu]))
        t_value = t_quantile(1.0 - SIGNIFICANCE / 2.0, float(df))
        if surveyed:
            backend, t_mean = "survey", t_value
        else:
            backend = "simple" if bool((weights == 1.0).all()) else "hybrid"
            t_mean = t_quantile(1.0 - SIGNIFICANCE / 2.0, float(n - 1))
        return cls(weights, psu, psu_stratum, n_per_stratum, t_value, t_mean, backend, one_cluster)

    def variance(
        self, scores: np.ndarray, n_groups: int, group: np.ndarray, psu: np.ndarray
    ) -> np.ndarray:
        """Taylor-linearised variance per group and column of the totals of ``scores``
        (rows x V; the rows of the groups only: ``group`` >= 0 and ``psu`` per row).

        ``svyrecvar`` one stage: PSU totals, centred on their stratum mean and scaled by
        n_h / (n_h - 1); a stratum with a single PSU ("adjust") is centred on the mean of all
        PSU totals (0 for the estimating functions of a mean) and not scaled. Every sum is one
        ``np.bincount`` over (cell, column) keys, rows in file order, so each column gets
        exactly the sums of a column-by-column computation.
        """
        n_cols = scores.shape[1]
        # PSU totals of the (group, PSU) pairs that have rows; the others are 0
        if self.row_psu:  # every row its own PSU: the scores are the totals
            g_p, psu_p, t_p = group, psu, scores
        else:
            key = group * self.n_psu + psu
            if n_groups * self.n_psu * n_cols <= DENSE_LIMIT:  # dense (group, PSU) table
                n_cells = n_groups * self.n_psu
                g_p = np.repeat(np.arange(n_groups), self.n_psu)
                psu_p = np.tile(np.arange(self.n_psu), n_groups)
            else:
                pairs, inverse = np.unique(key, return_inverse=True)
                key = inverse.reshape(-1)
                n_cells = len(pairs)
                g_p, psu_p = np.divmod(pairs, self.n_psu)
            t_p = _sums(key, scores, n_cells)
        n_strata = len(self.n_per_stratum)
        h_p = self.psu_stratum[psu_p]
        st_key = g_p * n_strata + h_p
        size = n_groups * n_strata
        sum_t = _sums(st_key, t_p, size).reshape(n_groups, n_strata, n_cols)
        sum_t2 = _sums(st_key, t_p * t_p, size).reshape(n_groups, n_strata, n_cols)
        return self.strata_variance(sum_t, sum_t2)

    def strata_variance(self, sum_t: np.ndarray, sum_t2: np.ndarray) -> np.ndarray:
        """The variance (groups x V) from the sums of the PSU totals and of their squares per
        group, stratum and column (groups x strata x V)."""
        n_h = self.n_per_stratum.astype(np.float64)[None, :, None]
        multi = n_h > 1
        with np.errstate(invalid="ignore", divide="ignore"):
            centred = sum_t2 - sum_t * sum_t / n_h
            per_stratum = np.where(multi, centred * n_h / (n_h - 1.0), 0.0)
        # sum over the strata along a contiguous axis (the summation order of a 1-D sum)
        v: np.ndarray = np.ascontiguousarray(per_stratum.transpose(0, 2, 1)).sum(axis=2)
        lonely_strata = ~multi[0, :, 0]
        if lonely_strata.any():
            # lonely PSUs ("adjust"): deviation from the grand mean of all PSU totals,
            # sum over them of (t - grand)^2 = sum t^2 - 2 grand sum t + L grand^2
            grand = sum_t.sum(axis=1) / self.n_psu
            s1 = sum_t[:, lonely_strata, :].sum(axis=1)
            s2 = sum_t2[:, lonely_strata, :].sum(axis=1)
            n_lonely = float(lonely_strata.sum())
            v = v + s2 - 2.0 * grand * s1 + n_lonely * grand * grand
        # a sum of squares (svyrecvar's crossprod) is never negative: the shortcut above can
        # be, by a rounding error, where the exact value is 0
        clipped: np.ndarray = np.maximum(v, 0.0)
        return clipped


def _sums(key: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    """Per key and column sums of ``values`` (rows x V): ``bincount`` of every column at once
    (rows added in their order, as ``np.bincount(key, values[:, j])`` does)."""
    n_cols = values.shape[1]
    flat = (key[:, None] * n_cols + np.arange(n_cols)).reshape(-1)
    return np.bincount(flat, values.reshape(-1), minlength=n_keys * n_cols).reshape(n_keys, n_cols)


@dataclass
class DomainStats:
    """Per group (rows) and variable (columns): weighted sums, mean, SE, counts."""

    sw: np.ndarray  # sum of the weights of the observations present
    count: np.ndarray  # observations present
    mean: np.ndarray
    se: np.ndarray


def _domain_stats(design: Design, x: np.ndarray, group: np.ndarray, n_groups: int) -> DomainStats:
    """Weighted mean and its Taylor SE per group of every column of ``x`` (rows x V, NaN =
    missing); ``group`` -1 = in no group."""
    rows = group >= 0
    g = group[rows]
    xs = x[rows]
    ok = ~np.isnan(xs)
    w = design.weights[rows][:, None]
    wv = np.where(ok, w, 0.0)
    x0 = np.where(ok, xs, 0.0)
    sw = _sums(g, wv, n_groups)
    swx = _sums(g, wv * x0, n_groups)
    count = _sums(g, ok.astype(np.float64), n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = swx / sw
        scores = np.where(ok, w * (x0 - mean[g]) / sw[g], 0.0)
    var = design.variance(scores, n_groups, g, design.psu[rows])
    se = np.sqrt(var)
    none = count == 0
    mean[none] = np.nan
    se[none | np.isnan(mean)] = np.nan
    return DomainStats(sw, count, mean, se)


def _domain_mean(
    design: Design, x: np.ndarray, group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean per group of x (NaN = missing), its SE, and the observations present."""
    st = _domain_stats(design, x[:, None], group, n_groups)
    return st.mean[:, 0], st.se[:, 0], st.count[:, 0]


# --- the fast path: every indicator of a grouping from a few bincounts ------------------------
# A z-score falls in one of 7 bins between the cut-offs (8 = missing); each prevalence is a sum
# of bins, so one weighted bincount per indicator and (group, PSU) cell replaces 6 indicator
# columns. Cell totals of the linearised scores are (sum w x - mean sum w) / sum w.

N_BINS = 8  # < -3, [-3, -2), [-2, -1), [-1, 1], (1, 2], (2, 3], > 3, missing
HITS = np.array(
    [  # cut-offs (output order -3, -2, -1, +1, +2, +3) x bins
        [1, 0, 0, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0, 0, 0],
        [1, 1, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 1, 0],
    ],
    np.float64,
).T
PRESENT = np.array([1, 1, 1, 1, 1, 1, 1, 0], np.float64)
# stunting & wasting / overweight: 0 neither, 1 HA < -2 and WH < -2, 2 HA < -2 and WH > 2
COMBINED_HITS = np.array([[0, 1, 0, 0], [0, 0, 1, 0]], np.float64).T
COMBINED_PRESENT = np.array([1, 1, 1, 0], np.float64)


def _z_bins(z: np.ndarray) -> np.ndarray:
    b = (z >= -3.0).astype(np.int64)
    b += z >= -2.0
    b += z >= -1.0
    b += z > 1.0
    b += z > 2.0
    b += z > 3.0
    b[np.isnan(z)] = N_BINS - 1
    return b


@dataclass
class _Family:
    """Binned 0/1 indicators sharing one validity (an indicator's 6 cut-offs, or the 2
    combined ones)."""

    bins: np.ndarray  # per kept row
    n_bins: int
    hits: np.ndarray  # bins x columns
    present: np.ndarray  # bins


@dataclass
class _Estimates:
    sw: np.ndarray  # groups x V: weighted n
    count: np.ndarray  # groups x V: n
    mean: np.ndarray
    se: np.ndarray


# a family's cell sums of w x and w, the observations per group, and (every row its own PSU)
# the per-cell sums of the scores and their squares at a given mean (see _Cells.estimates)
Squares = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
FamilySums = tuple[np.ndarray, np.ndarray, np.ndarray, Squares | None]


class _Cells:
    """The cells of a grouping whose sums make the estimates: (group, PSU) pairs, or
    (group, stratum) pairs when every row is its own PSU (then the sums of squares of the
    row totals are summed too)."""

    def __init__(self, design: Design, codes: np.ndarray, k: int) -> None:
        self.design, self.k = design, k
        self.rows = codes >= 0
        self.g = codes[self.rows]
        n_strata = len(design.n_per_stratum)
        self.n_strata = n_strata
        psu = design.psu[self.rows]
        if design.row_psu:
            self.key = self.g * n_strata + design.psu_stratum[psu]
            self.n_keys = k * n_strata
            self.dense_width = n_strata
        elif k * design.n_psu * N_BINS <= DENSE_LIMIT:
            self.key = self.g * design.n_psu + psu
            self.n_keys = k * design.n_psu
            self.dense_width = design.n_psu
            self.key_g = np.repeat(np.arange(k), design.n_psu)
            self.key_h = np.tile(design.psu_stratum, k)
        else:
            pairs, inverse = np.unique(self.g * design.n_psu + psu, return_inverse=True)
            self.key = inverse.reshape(-1)
            self.n_keys = len(pairs)
            self.dense_width = 0
            self.key_g, key_psu = np.divmod(pairs, design.n_psu)
            self.key_h = design.psu_stratum[key_psu]

    def to_groups(self, x: np.ndarray) -> np.ndarray:
        if self.dense_width:
            summed: np.ndarray = x.reshape(self.k, self.dense_width, -1).sum(axis=1)
            return summed
        return _sums(self.key_g, x, self.k)

    def estimates(
        self,
        a: np.ndarray,
        b: np.ndarray,
        count: np.ndarray,
        squares: Squares | None = None,
        center: np.ndarray | None = None,
    ) -> _Estimates:
        """Means and SEs (groups x V) from the cell sums of w x (``a``) and w (``b``); when
        every row is its own PSU, ``squares(mean, sw)`` (per group) gives the per-cell sums of
        the row totals of the linearised scores and of their squares. ``center``: the SE of
        the scores w (x - center) / sw instead of w (x - mean) / sw."""
        sw = self.to_groups(b)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self.to_groups(a) / sw
            c = mean if center is None else center
            shape = (self.k, self.n_strata, a.shape[1])
            if self.design.row_psu:
                assert squares is not None
                sum_t, sum_t2 = squares(c, sw)
                var = self.design.strata_variance(sum_t.reshape(shape), sum_t2.reshape(shape))
            else:
                t = (a - c[self.key_g] * b) / sw[self.key_g]
                st_key = self.key_g * self.n_strata + self.key_h
                size = self.k * self.n_strata
                var = self.design.strata_variance(
                    _sums(st_key, t, size).reshape(shape),
                    _sums(st_key, t * t, size).reshape(shape),
                )
        se = np.sqrt(var)
        none = count == 0
        mean[none] = np.nan
        se[none | np.isnan(mean)] = np.nan
        return _Estimates(sw, count, mean, se)

    def family_sums(self, fam: _Family) -> FamilySums:
        """The cell sums of a family (groups x its columns) that ``estimates`` turns into
        prevalences and their SEs."""
        w = self.design.weights[self.rows]
        bins = fam.bins[self.rows]
        nb = fam.n_bins
        key = self.key * nb + bins
        wb = np.bincount(key, w, minlength=self.n_keys * nb).reshape(self.n_keys, nb)
        cb = np.bincount(self.g * nb + bins, minlength=self.k * nb).reshape(self.k, nb)
        n_cols = fam.hits.shape[1]
        count = np.repeat((cb @ fam.present)[:, None], n_cols, axis=1)
        a = wb @ fam.hits
        b = np.repeat((wb @ fam.present)[:, None], n_cols, axis=1)
        if not self.design.row_psu:
            return a, b, count, None
        w2b = np.bincount(key, w * w, minlength=self.n_keys * nb).reshape(self.n_keys, nb)
        a2 = w2b @ fam.hits  # sum w^2 x = sum w^2 x^2 for 0/1
        b2 = (w2b @ fam.present)[:, None]

        def squares(mean: np.ndarray, sw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # sum over rows of (w (x - m) / sw)^2 = (sum w^2 x (1 - 2m) + m^2 sum w^2) / sw^2
            m = np.repeat(mean, self.n_strata, axis=0)
            s = np.repeat(sw, self.n_strata, axis=0)
            sq = np.maximum(a2 * (1.0 - 2.0 * m) + m * m * b2, 0.0) / (s * s)
            return (a - m * b) / s, sq

        return a, b, count, squares

    @cached_property
    def _first_step(self) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Per row of the grouping: the prior weight and the terms of the first IRLS step
        (working weight, its product with the working response, deviance) for y = 1 and y =
        0; the same for every family, so computed once."""
        w = self.design.weights[self.rows]
        rows_of = np.bincount(self.g, minlength=self.k).astype(np.float64)
        weight_of = np.bincount(self.g, w, minlength=self.k)
        with np.errstate(invalid="ignore", divide="ignore"):
            prior = np.where(w > 0, w * rows_of[self.g] / weight_of[self.g], 0.0)
            m1, m0 = (prior + 0.5) / (prior + 1.0), 0.5 / (prior + 1.0)
            v1, v0 = m1 * (1.0 - m1), m0 * (1.0 - m0)
            terms = [
                (prior * v1, prior * v0),
                (
                    prior * (v1 * np.log(m1 / (1.0 - m1)) + 1.0 - m1),
                    prior * (v0 * np.log(m0 / (1.0 - m0)) - m0),
                ),
                (-2.0 * prior * np.log(m1), -2.0 * prior * np.log(1.0 - m0)),
            ]
        return prior, terms

    def logit_fit(self, fam: _Family, sums: FamilySums) -> tuple[np.ndarray, np.ndarray]:
        """What ``svyciprop(method = "logit")`` builds its interval from: the intercept of
        ``svyglm(y ~ 1, family = quasibinomial)`` on each group's design and its SE (groups x
        columns). R's ``glm.fit`` is followed step by step, because it stops early: IRLS
        from ``mustart = (w y + 0.5) / (w + 1)`` (prior weights w scaled to mean 1 over the
        group's rows), stopping at a relative deviance change below 1e-8, so the intercept
        is near, not at, logit(p). The SE is the design SE of the scores w (y - mu) / sum w
        at the fitted mu, divided by mu (1 - mu) (``svy.varcoef``)."""
        bins = fam.bins[self.rows]
        nb, k = fam.n_bins, self.k
        key = self.g * nb + bins
        hit, miss = fam.hits, fam.present[:, None] - fam.hits

        def by_y(one: np.ndarray, zero: np.ndarray) -> np.ndarray:
            # sum over a group's rows of one (where y = 1) or zero (y = 0), per column
            f1 = np.bincount(key, one, minlength=k * nb).reshape(k, nb)
            f0 = np.bincount(key, zero, minlength=k * nb).reshape(k, nb)
            out: np.ndarray = f1 @ hit + f0 @ miss
            return out

        with np.errstate(invalid="ignore", divide="ignore"):
            prior, first_step = self._first_step
            # the first IRLS step starts from mustart, which differs per row; then one mu
            a1, b1, dev_old = (by_y(*pair) for pair in first_step)
            by_bin = np.bincount(key, prior, minlength=k * nb).reshape(k, nb)
            s1, s0 = by_bin @ hit, (by_bin @ fam.present)[:, None]
            beta = b1 / a1
            done = np.zeros(beta.shape, np.bool_)
            for _ in range(GLM_MAX_ITERATIONS):
                mu = 1.0 / (1.0 + np.exp(-beta))
                dev = -2 * (s1 * np.log(mu) + (s0 - s1) * np.log(1.0 - mu))
                done |= np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < GLM_EPSILON
                if done.all():
                    break
                step = beta + (s1 - mu * s0) / (mu * (1.0 - mu) * s0)
                beta = np.where(done, beta, step)
                dev_old = np.where(done, dev_old, dev)
            mu = 1.0 / (1.0 + np.exp(-beta))
            se = self.estimates(*sums, center=mu).se / (mu * (1.0 - mu))
        return beta, se

    @cached_property
    def _r_groups(self) -> list[tuple[np.ndarray, _RStart]]:
        """Per group: its rows (file order) and where R's glm starts on them."""
        rows = np.flatnonzero(self.rows)
        order = np.argsort(self.g, kind="stable")
        bounds = np.searchsorted(self.g[order], np.arange(self.k + 1))
        out = []
        for gi in range(self.k):
            mine = rows[order[bounds[gi] : bounds[gi + 1]]]
            out.append((mine, _RStart.of(_r_prior_weights(self.design.weights[mine]))))
        return out

    def r_se_is_zero(self, fam: _Family, p: np.ndarray) -> np.ndarray:
        """Per group and column: whether R's SE of the logit fit is exactly 0, computed as R
        computes it (the section "one degree of freedom" below); where p > 0 only, as p = 0
        is pinned to [0, 0]."""
        zero = np.zeros(p.shape, np.bool_)
        wanted = np.isfinite(p) & (p > 0)
        for gi in np.flatnonzero(wanted.any(axis=1)):
            mine, start = self._r_groups[gi]
            present = fam.present[fam.bins[mine]] > 0  # glm drops the rows with y NA
            kept = _RStart(*(a[present] for a in vars(start).values()))
            bins, psu = fam.bins[mine][present], self.design.psu[mine][present]
            for j in np.flatnonzero(wanted[gi]):
                _, scores = _r_glm(fam.hits[bins, j], kept)
                zero[gi, j] = _r_variance_is_zero(self.design, scores, psu)
        return zero

    def zscores(self, zr: _ZRows) -> tuple[_Estimates, np.ndarray]:
        """Mean, SE and SD (sqrt of ``svyvar``) of every z-score column."""
        every = bool(self.rows.all())

        def sums(arr: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
            part = arr if every else arr[:, self.rows]
            return np.stack([np.bincount(key, c, minlength=n_keys) for c in part], axis=1)

        count = sums(zr.ok, self.g, self.k)
        a, b = sums(zr.wz, self.key, self.n_keys), sums(zr.w, self.key, self.n_keys)
        if self.design.row_psu:

            def squares(mean: np.ndarray, sw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                # the row totals are the scores themselves: w (z - mean) / sw, 0 if missing
                z0 = zr.z0 if every else zr.z0[:, self.rows]
                w = zr.w if every else zr.w[:, self.rows]
                t = w * (z0 - mean.T[:, self.g]) / sw.T[:, self.g]
                t[w == 0] = 0.0
                n = self.n_keys
                sum_t = np.stack([np.bincount(self.key, c, minlength=n) for c in t], 1)
                sum_t2 = np.stack([np.bincount(self.key, c * c, minlength=n) for c in t], 1)
                return sum_t, sum_t2

            est = self.estimates(a, b, count, squares)
        else:
            est = self.estimates(a, b, count)
        # svyvar's n: the domain's rows with a weight > 0, missing z included; anthro's simple
        # and hybrid backends: n = the values present (zero weights included)
        if self.design.full_survey:
            pos = self.design.weights[self.rows] != 0
            n1 = np.bincount(self.g[pos], minlength=self.k).astype(np.float64)
            n = np.repeat(n1[:, None], zr.w.shape[0], axis=1)
        else:
            n = count
        m0 = np.nan_to_num(est.mean)
        z0 = zr.z0 if every else zr.z0[:, self.rows]
        w = zr.w if every else zr.w[:, self.rows]
        d = z0 - m0.T[:, self.g]
        swdd = np.stack([np.bincount(self.g, c, minlength=self.k) for c in w * d * d], 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = swdd / est.sw * n / (n - 1.0)
        if self.design.full_survey:
            present = (zr.ok if every else zr.ok[:, self.rows]) > 0
            self._svyvar_one_weight(v, n, z0, present)
        elif self.design.backend == "simple":
            v[n <= 1] = np.nan  # sd() of one value: NA
        # (hybrid: n / (n - 1) = Inf times the squared rounding of the mean, NaN when that is
        # 0 and Inf otherwise, as R computes it)
        return est, np.sqrt(v)

    def _svyvar_one_weight(
        self, v: np.ndarray, n: np.ndarray, z0: np.ndarray, ok: np.ndarray
    ) -> None:
        """svyvar where at most one row of the group has a weight > 0 (n <= 1), as survey
        4.1 computes it: the weighted mean of (x - xbar)^2 n / (n - 1) over the values
        present, its NaN terms (0 / 0) dropped, 0 when none is left. So one value of weight
        > 0 beside missing ones gives 0, beside values of weight 0 NaN; a group without
        values, or of a single row, NA (svyby's na.rm.all, anthro's robust_svyvar)."""
        weights = self.design.weights[self.rows]
        rows_in = np.bincount(self.g, minlength=self.k)
        for gi, j in np.argwhere(n <= 1):
            mine = (self.g == gi) & ok[j]
            if rows_in[gi] <= 1 or not mine.any():
                v[gi, j] = np.nan
                continue
            x, w = z0[j][mine], weights[mine]
            with np.errstate(invalid="ignore", divide="ignore"):
                xbar = (w * x).sum() / w.sum()
                terms = (x - xbar) * (x - xbar) * n[gi, j] / (n[gi, j] - 1.0)
                kept = ~np.isnan(terms)
                v[gi, j] = (terms[kept] * w[kept]).sum() / w[kept].sum() if kept.any() else 0.0


class _ZRows:
    """Per z-score column (V x rows): present (0/1), z (0 where missing), w, w z (w = 0
    where missing)."""

    def __init__(self, z: np.ndarray, weights: np.ndarray) -> None:
        present = ~np.isnan(z)
        self.ok = present.astype(np.float64)
        self.z0 = np.where(present, z, 0.0)
        self.w = np.where(present, weights[None, :], 0.0)
        self.wz = self.w * self.z0


def _logit_ci(p: np.ndarray, se: np.ndarray, t_value: float) -> tuple[np.ndarray, np.ndarray]:
    """anthro's own logit interval (its simple backend, no weights or design):
    ``expit(logit(p) +- t se / (p (1 - p)))``; p = 0 or 1 collapses the interval on p."""
    with np.errstate(invalid="ignore", divide="ignore"):
        logit = np.log(p / (1.0 - p))
        half = t_value * se / (p * (1.0 - p))
        ll = 1.0 / (1.0 + np.exp(-(logit - half)))
        ul = 1.0 / (1.0 + np.exp(-(logit + half)))
    edge = (p == 0.0) | (p == 1.0)
    ll[edge] = p[edge]
    ul[edge] = p[edge]
    return ll, ul


def _wald_multipliers(t_value: float) -> tuple[float, float]:
    """The multipliers of the SE in ``confint.svyglm(method = "Wald", ddf = df)``: survey turns
    t into a normal level, ``1 - 2 pnorm(-t)``, and back with ``qnorm``. The same t, except
    that the level rounds to 1 when t is large (df = 1: t = 12.7): then they are -Inf, Inf."""
    if math.isnan(t_value):
        return math.nan, math.nan
    level = 1.0 - 2.0 * NormalDist().cdf(-t_value)
    a = (1.0 - level) / 2.0
    if a <= 0.0:
        return -math.inf, math.inf
    return NormalDist().inv_cdf(a), NormalDist().inv_cdf(1.0 - a)


def _glm_ci(
    p: np.ndarray,
    beta: np.ndarray,
    se: np.ndarray,
    t_value: float,
    r_se_zero: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``svyciprop`` "logit" (the survey and hybrid backends): survey's ``expit`` (exp(x) /
    (1 + exp(x)), so NaN at +Inf) of ``beta + multiplier * se`` around the fitted intercept
    (``_Cells.logit_fit``); NaN without degrees of freedom. anthro pins p = 0 to [0, 0]; it
    means to pin p = 1 to [1, 1] too but tests the percentage, so an estimate of exactly 1 %
    gets [1 %, 1 %] (reproduced as R reports it)."""
    low, high = _wald_multipliers(t_value)
    with np.errstate(invalid="ignore", over="ignore"):
        ll, ul = (np.exp(x) / (1.0 + np.exp(x)) for x in (beta + low * se, beta + high * se))
    if math.isinf(high):
        # df = 1: [0, NaN], and NaN for the lower bound too where R's SE is exactly 0
        # (-Inf * 0). Ours is a few rounding errors off R's, so whether R's is exactly 0 is
        # told by R's own arithmetic (``r_se_zero``, from ``_Cells.r_se_is_zero``)
        exact_zero = np.zeros(p.shape, np.bool_) if r_se_zero is None else r_se_zero
        ll = np.where(np.isnan(beta + se) | exact_zero, np.nan, 0.0)
    zero = p == 0.0
    ll[zero] = ul[zero] = 0.0
    pinned = p * 100 == 1.0
    ll[pinned] = ul[pinned] = 0.01
    return ll, ul


# --- one degree of freedom: is R's SE of the logit fit exactly 0? ----------------------------
# At df = 1 survey's Wald multiplier is infinite, so the lower bound is expit(beta - Inf * SE):
# 0 where R's SE > 0 and NA where it is exactly 0. Whether it is exactly 0 is a matter of R's
# floating-point arithmetic. Two children of weight 1 in one of two PSUs, y = 1 then 0: R's QR
# gives beta = -0, mu = 0.5, scores 1 and -1, a PSU total of 0, SE 0 (the bound NA); y = 0
# then 1: beta = 4.7e-16, scores -1.0000000000000002 and 0.9999999999999999, a PSU total of
# -4.4e-16, SE 4.4e-16 (the bound 0). Our own fit and SE (``_Cells.logit_fit``) are a few
# rounding errors off R's, so they cannot tell. Here the fit is followed operation by
# operation as R computes it: glm.fit (stats' C logit functions, LINPACK dqrdc2/dqrsl on one
# column with the reference BLAS of LAPACK 3.10+, deviances summed in long double),
# svy.varcoef's scores, rowsum's PSU totals in row order, and svyrecvar's centring, which
# leaves 0 exactly where every PSU total of a stratum is the same (a PSU without rows: 0) and
# a lonely PSU's total is 0. Checked against R 4.2.2 / survey 4.1 on 4,342 fits of 6 data
# sets: the same intercept to the last bit and the same exact zeros. It only runs at df = 1,
# the only place where it changes a number.

_DBL_EPSILON = 2.220446049250313e-16
_THRESH = 30.0  # stats' family.c: eta beyond +-30 is cut


def _r_linkinv(eta: float) -> float:
    """stats' C ``logit_linkinv``."""
    if eta < -_THRESH:
        tmp = _DBL_EPSILON
    elif eta > _THRESH:
        tmp = 1.0 / _DBL_EPSILON
    else:
        tmp = math.exp(eta)
    return tmp / (1.0 + tmp)


def _r_mu_eta(eta: float) -> float:
    """stats' C ``logit_mu_eta``."""
    if eta > _THRESH or eta < -_THRESH:
        return _DBL_EPSILON
    opexp = 1.0 + math.exp(eta)
    return math.exp(eta) / (opexp * opexp)


def _each(fn: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    """A scalar libm function (the one R calls) of every value, once per distinct value."""
    uniq, inverse = np.unique(x, return_inverse=True)
    out: np.ndarray = np.array([fn(float(u)) for u in uniq], np.float64)[inverse]
    return out.reshape(x.shape)


def _r_sum(x: np.ndarray) -> float:
    """R's ``sum()`` of doubles: in order, in long double (80 bits on x86-64)."""
    return float(np.cumsum(x, dtype=np.longdouble)[-1]) if len(x) else 0.0


def _r_mean(x: np.ndarray) -> float:
    """R's ``mean()`` of doubles: the long double sum / n, corrected by a second pass."""
    if not len(x):
        return math.nan
    n = np.longdouble(len(x))
    s = np.cumsum(x, dtype=np.longdouble)[-1] / n
    if math.isfinite(float(s)):
        s += np.cumsum(x.astype(np.longdouble) - s)[-1] / n
    return float(s)


def _seq_sum(x: np.ndarray) -> float:
    """A sum in order in double, as the reference BLAS ``ddot`` and ``dnrm2`` (mid-range
    values) accumulate it."""
    return float(np.cumsum(x)[-1])


def _r_dqrls(w: np.ndarray, zw: np.ndarray) -> tuple[float, float]:
    """The least squares fit of ``zw`` on the column ``w`` (> 0) by R's ``Cdqrls``: LINPACK's
    Householder QR (dqrdc2) and its application (dqrsl). Returns the coefficient and R[1, 1]."""
    if len(w) == 1:  # dqrdc2 leaves a single row as it is
        return float(zw[0] / w[0]), float(w[0])
    norm = math.sqrt(_seq_sum(w * w))  # dnrm2 (LAPACK 3.10+: the plain sum for mid-range)
    house = w * (1.0 / norm)  # dscal by the reciprocal
    head = 1.0 + float(house[0])
    house[0] = head
    t = -_seq_sum(house * zw) / head  # ddot
    return (float(zw[0]) + t * head) / -norm, -norm  # daxpy on the first element, b = qty / R


@dataclass
class _RStart:
    """Where glm.fit starts, per row of a group (its prior weight) and y (columns: y = 1, y =
    0): eta = logit(mustart), mu = linkinv(eta), mu.eta(eta) and the deviance term
    ``dev.resids``. The same for all the group's indicators, so computed once."""

    prior: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    mu_eta: np.ndarray
    dev: np.ndarray

    @classmethod
    def of(cls, prior: np.ndarray) -> _RStart:
        col = prior[:, None]
        mustart = (col * np.array([1.0, 0.0]) + 0.5) / (col + 1.0)  # binomial()$initialize
        eta = _each(math.log, mustart / (1.0 - mustart))  # logit_link
        mu = _each(_r_linkinv, eta)
        mu_eta = _each(_r_mu_eta, eta)
        # 2 prior (y log(y / mu) + (1 - y) log((1 - y) / (1 - mu))) for y = 1, 0
        with np.errstate(divide="ignore"):
            logs = np.stack(
                [_each(math.log, 1.0 / mu[:, 0]), _each(math.log, 1.0 / (1.0 - mu[:, 1]))], 1
            )
        return cls(prior, eta, mu, mu_eta, 2.0 * col * logs)


def _r_glm(y: np.ndarray, start: _RStart) -> tuple[float, np.ndarray]:
    """``glm(y ~ 1, family = quasibinomial, weights = prior)`` as glm.fit computes it: the
    intercept, and svy.varcoef's scores of it, ``resid(working) * weights(working) %*%
    cov.unscaled`` per row. After the first step every row has the same eta."""
    prior = start.prior
    y = np.where(prior == 0, 0.0, y)  # binomial()$initialize
    pick = (np.arange(len(y)), np.where(y != 0, 0, 1))
    eta, mu, mu_eta = start.eta[pick], start.mu[pick], start.mu_eta[pick]
    dev_old = _r_sum(start.dev[pick])
    good = prior > 0  # and mu.eta != 0, which it never is (at least DBL_EPSILON)
    for _ in range(GLM_MAX_ITERATIONS):
        z = eta[good] + (y - mu)[good] / mu_eta[good]
        w = np.sqrt(prior[good] * (mu_eta[good] * mu_eta[good]) / (mu[good] * (1.0 - mu[good])))
        beta, r11 = _r_dqrls(w, z * w)
        eta_1 = beta + 0.0  # x %*% coef + offset (-0 becomes 0)
        mu_1, mu_eta_1 = _r_linkinv(eta_1), _r_mu_eta(eta_1)
        with np.errstate(divide="ignore"):
            logs = (math.log(1.0 / mu_1), math.log(1.0 / (1.0 - mu_1)))
        dev = _r_sum(2.0 * prior * np.where(y != 0, *logs))
        eta, mu, mu_eta = (np.full(len(y), v) for v in (eta_1, mu_1, mu_eta_1))
        if abs(dev - dev_old) / (0.1 + abs(dev)) < GLM_EPSILON:
            break
        dev_old = dev
    weights = np.zeros(len(y))
    weights[good] = w * w
    inv = 1.0 / r11  # chol2inv: LAPACK dtrti2, then dlauu2
    residuals = (y - mu_1) / mu_eta_1
    scores: np.ndarray = residuals * weights * (inv * inv)
    return beta, scores


def _r_prior_weights(weights: np.ndarray) -> np.ndarray:
    """svyglm's prior weights over a group's rows: ``(1 / prob) / mean(1 / prob)``, where
    svydesign's ``prob = 1 / weight`` (Inf for a weight of 0)."""
    with np.errstate(divide="ignore"):
        inverse = 1.0 / (1.0 / weights)
    prior: np.ndarray = inverse / _r_mean(inverse)
    return prior


def _r_variance_is_zero(design: Design, scores: np.ndarray, psu: np.ndarray) -> bool:
    """Whether svyrecvar's variance of the row scores is exactly 0. Its PSU totals are
    rowsum's (rows in order; a PSU without rows 0); a stratum of several PSUs is centred on
    their mean, which leaves all of them at 0 exactly when they are all equal; a lonely PSU
    ("adjust", survey 4.1's onestrat) is not centred: its total must be 0."""
    totals = np.bincount(psu, scores, minlength=design.n_psu)
    one_per_stratum = np.zeros(len(design.n_per_stratum))
    one_per_stratum[design.psu_stratum] = totals
    lonely = design.n_per_stratum[design.psu_stratum] == 1
    equal = bool((totals == one_per_stratum[design.psu_stratum]).all())
    return equal and not totals[lonely].any()


# --- counts only: a simple random sample -------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A prevalence in % with its SE and 95% CI (NaN where undefined)."""

    percent: float
    se: float
    lower: float
    upper: float

    @property
    def width(self) -> float:
        return self.upper - self.lower


def srs_interval(cases: int, n: int, rows: int | None = None) -> Interval:
    """What ``anthro_prevalence`` reports for a prevalence of ``cases`` out of ``n`` children
    under a simple random sample without weights (no cluster, no strata) of ``rows`` children
    (default ``n``; more when some children have no z-score for this indicator: they stay in
    the design as R's domain estimation keeps them): p = cases / n, linearised SE =
    sqrt(p (1 - p) / n * rows / (rows - 1)) (= sqrt(p (1 - p) / (n - 1)) when rows = n),
    ``svyciprop`` logit 95% CI with Student's t on rows - 1 degrees of freedom; p = 0 or 1
    gives a zero-width interval, as the R function. For dashboards that only hold counts."""
    rows = n if rows is None else rows
    if n <= 0 or not 0 <= cases <= n or rows < n:
        return Interval(math.nan, math.nan, math.nan, math.nan)
    p = np.array([cases / n])
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(p * (1.0 - p) / n * rows / (rows - 1.0)) if rows > 1 else np.array([math.nan])
    ll, ul = _logit_ci(p, se, t_quantile(1.0 - SIGNIFICANCE / 2.0, float(rows - 1)))
    return Interval(float(p[0] * 100), float(se[0] * 100), float(ll[0] * 100), float(ul[0] * 100))


# --- inputs -----------------------------------------------------------------------------------


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() in ("", "NA")


def _map_unique(values: Sequence[Any] | np.ndarray, fn: Any, dtype: Any) -> np.ndarray:
    """``fn`` of every value, computed once per distinct value."""
    found = inputs.unique_inverse(values)
    if found is not None:
        uniq, inverse = found
        mapped: np.ndarray = np.array([fn(u) for u in uniq], dtype=dtype)[inverse]
        return mapped
    memo: dict[Any, Any] = {}

    def one(v: Any) -> Any:
        try:
            return memo[v]
        except KeyError:
            result = memo[v] = fn(v)
            return result

    return np.fromiter(map(one, values), dtype=dtype, count=len(values))


def _to_float(v: Any) -> float:
    if _is_missing(v):
        return math.nan
    return float(v.replace(",", ".")) if isinstance(v, str) else float(v)


def _floats(values: Sequence[Any] | np.ndarray | None, n: int, default: float) -> np.ndarray:
    if values is None:
        return np.full(n, default)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iufb":
        return values.astype(np.float64)
    return _map_unique(values, _to_float, np.float64)


def _r_text(v: Any) -> str:
    """R's as.character of a value: whole numbers without decimals, text as is."""
    if isinstance(v, float | np.floating):
        if float(v).is_integer():
            return str(int(v))
        return f"{float(v):.15g}"
    return str(v).strip()


# CLDR root collation of ASCII punctuation and symbols (before digits, then letters)
_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"


def r_text_order(text: str) -> tuple[list[tuple[int, str]], list[int], list[int]]:
    """Sort key of R's ``sort()`` of text as R with ICU orders it (Linux and macOS builds,
    also in the C.UTF-8 locale): punctuation, digits, then letters compared without case and
    accents first, then by accent, then lowercase before uppercase ("a" < "A" < "ä" < "b").
    Levels of a text factor come in this order under the survey backend."""
    primary: list[tuple[int, str]] = []
    accents: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if accents:
                accents[-1] = accents[-1] * 1000 + ord(ch)
            continue
        if ch.isalpha():
            primary.append((3, ch.lower()))
        elif ch.isdigit():
            primary.append((2, ch))
        else:
            rank = _PUNCTUATION.find(ch)
            primary.append((1, chr(rank if rank >= 0 else 100 + ord(ch))))
        accents.append(0)
        cases.append(1 if ch.isupper() else 0)
    return primary, accents, cases


def _factor_values(values: Sequence[Any] | None, n: int) -> tuple[np.ndarray, list[str]]:
    """Codes 0..k-1 (-1 = NA) and the sorted levels, as R's factor() of the column."""
    if values is None:
        return np.full(n, -1, np.int64), []
    found = inputs.unique_inverse(values)
    pool = found[0] if found is not None else set(values)
    distinct = [v for v in pool if not _is_missing(v)]
    try:
        as_number = {v: float(v) for v in distinct}
    except (TypeError, ValueError):
        texts = {v: _r_text(v) for v in distinct}
        levels = sorted(set(texts.values()), key=r_text_order)
        index = {t: i for i, t in enumerate(levels)}
        code_of = {v: index[t] for v, t in texts.items()}
    else:
        keys = sorted(set(as_number.values()))
        levels = [_r_text(k) for k in keys]
        index_n = {k: i for i, k in enumerate(keys)}
        code_of = {v: index_n[x] for v, x in as_number.items()}
    if found is not None:
        table = np.array([code_of.get(v, -1) for v in found[0]], np.int64)
        return table[found[1]], levels
    codes = _map_unique(values, lambda v: code_of.get(v, -1), np.int64)
    return codes, levels


def _kept_levels(
    codes: np.ndarray, levels: list[str], sorted_levels: bool
) -> tuple[np.ndarray, list[str]]:
    """A text factor's groups among the kept rows. The survey backend groups with svyby:
    the sorted levels, no NA group. The simple and hybrid backends group with R's unique():
    levels in the order they first appear, NA included (an empty group, "NA", where the
    first missing value appears)."""
    present = codes >= 0
    used, first = np.unique(codes[present], return_index=True)
    if not sorted_levels:
        first = np.flatnonzero(present)[first]
        used = used[np.argsort(first, kind="stable")]
    remap = np.full(max(len(levels), 1), -1, np.int64)
    remap[used] = np.arange(len(used))
    kept = np.where(present, remap[np.maximum(codes, 0)], -1)
    names = [levels[i] for i in used.tolist()]
    if not sorted_levels and not present.all():
        first_na = int(np.argmin(present))
        position = int(np.sum(np.sort(first) < first_na)) if len(used) else 0
        names.insert(position, "NA")
        kept = np.where(kept >= position, kept + 1, kept)
    return kept, names


def _wealth_codes(values: Sequence[Any] | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, -1, np.int64)
    table = {str(k): k - 1 for k in range(1, 6)} | {f"Q{k}": k - 1 for k in range(1, 6)}
    return _map_unique(
        values, lambda v: -1 if _is_missing(v) else table.get(_r_text(v), -1), np.int64
    )


def _bool_values(values: Sequence[Any] | np.ndarray | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, np.bool_)
    return np.array([str(v).strip().upper() in ("TRUE", "T", "1") for v in values], np.bool_)


# --- the analysis -----------------------------------------------------------------------------


@dataclass
class PrevalenceTable:
    """One row per group; ``values[col]`` float64 arrays (NaN = NA), ``groups`` the labels."""

    groups: list[str]
    values: dict[str, np.ndarray]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for i, g in enumerate(self.groups):
            row: dict[str, Any] = {"Group": g}
            for c in COLUMNS[1:]:
                v = float(self.values[c][i])
                row[c] = None if math.isnan(v) else v
            out.append(row)
        return out


def anthro_prevalence(
    sex: Sequence[Any] | np.ndarray,
    age: Sequence[Any] | np.ndarray | None = None,
    is_age_in_month: Sequence[Any] | np.ndarray | bool | None = None,
    weight: Sequence[Any] | np.ndarray | None = None,
    lenhei: Sequence[Any] | np.ndarray | None = None,
    measure: Sequence[Any] | np.ndarray | None = None,
    oedema: Sequence[Any] | np.ndarray | None = None,
    sw: Sequence[Any] | np.ndarray | None = None,
    cluster: Sequence[Any] | np.ndarray | None = None,
    strata: Sequence[Any] | np.ndarray | None = None,
    typeres: Sequence[Any] | None = None,
    gregion: Sequence[Any] | None = None,
    wealthq: Sequence[Any] | None = None,
    mothered: Sequence[Any] | None = None,
    othergr: Sequence[Any] | None = None,
) -> PrevalenceTable:
    """The WHO standard analysis (``anthro_prevalence``), see the module docstring."""
    n = len(sex)
    age_raw = _floats(age, n, np.nan)
    if isinstance(is_age_in_month, bool):
        months = np.full(n, is_age_in_month)
    else:
        months = _bool_values(is_age_in_month, n)
    age_exact = np.where(months, age_raw * DAYS_PER_MONTH, age_raw)
    if (age_exact < 0).any():
        raise ValueError("umur negatif tidak diterima")
    weights = _floats(sw, n, 1.0)
    if (weights < 0).any():
        raise ValueError("bobot sampel (sw) negatif tidak diterima")
    weights = np.where(np.isnan(weights), 0.0, weights)
    clus = _floats(cluster, n, 1.0)
    strat = _floats(strata, n, 1.0)

    res = who2006.zscores(
        sex,
        age_exact,
        _floats(weight, n, np.nan),
        _floats(lenhei, n, np.nan),
        measure if measure is not None else None,
        oedema=oedema,
    )
    oed = np.zeros(n, np.bool_) if oedema is None else inputs.oedema_flags(oedema)
    age_days = who2006.round_half_up_days(age_exact)
    oed &= ~(age_days > MAX_AGE_DAYS)

    zs: dict[str, np.ndarray] = {}
    for key in ("zlen", "zwei", "zwfl", "zbmi"):
        z = res.z[key].copy()
        z[res.flags["f" + key[1:]] == 1] = np.nan
        zs[key] = z
    aux: dict[str, np.ndarray] = {"zlen": zs["zlen"]}
    for key in ("zwei", "zwfl", "zbmi"):
        zs[key][oed] = np.nan
        aux[key] = np.where(oed, OEDEMA_Z, zs[key])

    keep = ~(np.isnan(clus) | np.isnan(strat)) & ~(age_days > MAX_AGE_DAYS)
    surveyed = cluster is not None or strata is not None
    design = Design.build(clus[keep], strat[keep], weights[keep], surveyed)
    m = int(keep.sum())

    # groupings: (label, codes over kept rows, level names)
    # the age group uses the unrounded age in months (as given, or days / 30.4375)
    age_months = (age_exact / DAYS_PER_MONTH)[keep]
    age_code = np.searchsorted(AGE_BREAKS, age_months, side="right") - 1
    age_code[(age_code < 0) | (age_code >= len(AGE_GROUPS)) | np.isnan(age_months)] = -1
    csex = res.csex[keep]
    sex_code = np.where(csex == 2, 0, np.where(csex == 1, 1, -1))
    age_sex = np.where((age_code >= 0) & (sex_code >= 0), sex_code * 6 + age_code, -1)
    groupings: list[tuple[str, np.ndarray, list[str]]] = [
        ("All", np.zeros(m, np.int64), ["All"]),
        ("Age group", age_code, list(AGE_GROUPS)),
        ("Sex", sex_code, list(SEX_LEVELS)),
        ("Age + sex", age_sex, [f"{a}.{s}" for s in SEX_LEVELS for a in AGE_GROUPS]),
    ]
    optional = {
        "typeres": typeres,
        "gregion": gregion,
        "wealthq": wealthq,
        "mothered": mothered,
        "othergr": othergr,
    }
    for name, label in OPTIONAL_FACTORS:
        vals = optional[name]
        if name == "wealthq":
            codes = _wealth_codes(vals, n)[keep]
            levels = list(WEALTH_LEVELS)
        else:
            all_codes, levels = _factor_values(vals, n)
            codes, levels = _kept_levels(all_codes[keep], levels, design.full_survey)
        groupings.append((label, codes, levels))
    groupings = [g for g in groupings if (g[1] >= 0).any()]

    kept_z = {k: v[keep] for k, v in zs.items()}
    kept_aux = {k: v[keep] for k, v in aux.items()}
    combined_valid = ~np.isnan(kept_z["zlen"]) & ~np.isnan(kept_aux["zwfl"])
    stunted = kept_z["zlen"] < -2
    combined = {
        "HA_2_WH_2": np.where(combined_valid, stunted & (kept_aux["zwfl"] < -2), np.nan),
        "HA_2_WH2": np.where(combined_valid, stunted & (kept_aux["zwfl"] > 2), np.nan),
    }

    # every 0/1 indicator of an indicator from its bins; the mean/SD from the z-scores
    families = [_Family(_z_bins(kept_aux[zkey]), N_BINS, HITS, PRESENT) for _, zkey in INDICATORS]
    comb_bins = np.where(combined_valid, 0, 3)
    comb_bins[combined_valid & stunted & (kept_aux["zwfl"] < -2)] = 1
    comb_bins[combined_valid & stunted & (kept_aux["zwfl"] > 2)] = 2
    families.append(_Family(comb_bins, 4, COMBINED_HITS, COMBINED_PRESENT))
    fam_names = [ind for ind, _ in INDICATORS] + ["HA_2_WH_2"]
    z_rows = _ZRows(np.stack([kept_z[zkey] for _, zkey in INDICATORS]), design.weights)
    t = design.t_value

    groups: list[str] = []
    parts: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS[1:]}
    for label, codes, levels in groupings:
        k = len(levels)
        groups += ["All" if label == "All" else f"{label}: {lv}" for lv in levels]
        cells = _Cells(design, codes, k)
        for fam, fname in zip(families, fam_names, strict=True):
            sums = cells.family_sums(fam)
            est = cells.estimates(*sums)
            if design.backend == "simple":
                ll, ul = _logit_ci(est.mean, est.se, t)
            else:
                beta, se = cells.logit_fit(fam, sums)
                one_df = math.isinf(_wald_multipliers(t)[1])
                r_zero = cells.r_se_is_zero(fam, est.mean) if one_df else None
                ll, ul = _glm_ci(est.mean, beta, se, t, r_zero)
            if fname == "HA_2_WH_2":
                names = list(combined)
                pop_name = "HA_2_WH_2"
            else:
                names = [f"{fname}{suffix}" for _, suffix in CUTOFFS]
                pop_name = f"{fname}Z"
            parts[f"{pop_name}_pop"].append(est.sw[:, 0])
            parts[f"{pop_name}_unwpop"].append(est.count[:, 0])
            for j, name in enumerate(names):
                parts[f"{name}_r"].append(est.mean[:, j] * 100)
                parts[f"{name}_se"].append(est.se[:, j] * 100)
                parts[f"{name}_ll"].append(ll[:, j] * 100)
                parts[f"{name}_ul"].append(ul[:, j] * 100)
        zest, sd = cells.zscores(z_rows)
        for j, (ind, _) in enumerate(INDICATORS):
            mean, se = zest.mean[:, j], zest.se[:, j]
            parts[f"{ind}_r"].append(mean)
            parts[f"{ind}_se"].append(se)
            parts[f"{ind}_ll"].append(mean - design.t_mean * se)
            parts[f"{ind}_ul"].append(mean + design.t_mean * se)
            parts[f"{ind}_stdev"].append(sd[:, j])
    values = {c: np.concatenate(v) for c, v in parts.items()}
    return PrevalenceTable(groups, values)


# --- files ------------------------------------------------------------------------------------

INPUT_COLUMNS = (
    "sex",
    "age",
    "is_age_in_month",
    "weight",
    "lenhei",
    "measure",
    "oedema",
    "sw",
    "cluster",
    "strata",
    "typeres",
    "gregion",
    "wealthq",
    "mothered",
    "othergr",
)
NUMERIC_INPUTS = ("age", "weight", "lenhei", "sw", "cluster", "strata")


def _number_errors(name: str, values: list[str]) -> list[str]:
    errors = []
    for i, v in enumerate(values):
        text = v.strip()
        if text in ("", "NA"):
            continue
        try:
            float(text.replace(",", "."))
        except ValueError:
            errors.append(f"baris {i + 2}: kolom {name}: “{text}” bukan angka")
    return errors


def read_input(path: str) -> dict[str, list[str]]:
    """Columns of a CSV (delimiter , ; or tab) or Parquet file, by the R argument names."""
    if path.lower().endswith(".parquet"):
        columns = {k.strip().lower(): v for k, v in _read_parquet(path).items()}
    else:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            sample = fh.readline()
            fh.seek(0)
            delim = max((",", ";", "\t"), key=sample.count)
            reader = csv.reader(fh, delimiter=delim)
            header = [h.strip().lower() for h in next(reader, [])]
            rows = list(reader)
        columns = {h: [r[i] if i < len(r) else "" for r in rows] for i, h in enumerate(header) if h}
    if "sex" not in columns:
        raise ValueError("kolom “sex” tidak ada di berkas masukan")
    if "age" not in columns:
        raise ValueError("kolom “age” tidak ada di berkas masukan")
    if "weight" not in columns and "lenhei" not in columns:
        raise ValueError("berkas masukan perlu kolom “weight” atau “lenhei”")
    errors = [
        e for name in NUMERIC_INPUTS if name in columns for e in _number_errors(name, columns[name])
    ]
    if errors:
        shown = "; ".join(errors[:20])
        more = f" (dan {len(errors) - 20} lagi)" if len(errors) > 20 else ""
        raise ValueError(f"nilai tidak valid: {shown}{more}")
    return {k: v for k, v in columns.items() if k in INPUT_COLUMNS}


def _read_parquet(path: str) -> dict[str, list[str]]:
    import pyarrow.parquet as pq  # only for Parquet files: the web app imports this module

    table = pq.read_table(path)
    out: dict[str, list[str]] = {}
    for name in table.column_names:
        values = table.column(name).to_pylist()
        out[name] = [
            "" if v is None else ("TRUE" if v is True else "FALSE" if v is False else str(v))
            for v in values
        ]
    return out


def _r_number(v: float) -> str:
    if math.isnan(v):
        return "NA"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return "%.15g" % (v + 0.0)


def write_output(table: PrevalenceTable, path: str) -> None:
    """The R result as ``write.csv(row.names = FALSE)`` writes it (NA, 15 digits), or Parquet."""
    if path.lower().endswith(".parquet"):
        import pyarrow as pa  # only for Parquet files: the web app imports this module
        import pyarrow.parquet as pq

        arrays = {"Group": pa.array(table.groups, pa.string())}
        arrays |= {
            c: pa.array(table.values[c], pa.float64(), from_pandas=True) for c in COLUMNS[1:]
        }
        pq.write_table(pa.table(arrays), path)
        return
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(",".join(f'"{c}"' for c in COLUMNS) + "\n")
        for i, group in enumerate(table.groups):
            cells = ['"' + group.replace('"', '""') + '"']
            cells += [_r_number(float(table.values[c][i])) for c in COLUMNS[1:]]
            fh.write(",".join(cells) + "\n")


def run_files(input_path: str, output_path: str) -> int:
    """CLI: read, analyse, write; returns the number of groups written."""
    cols = read_input(input_path)
    table = anthro_prevalence(**cols)
    write_output(table, output_path)
    return len(table.groups)
