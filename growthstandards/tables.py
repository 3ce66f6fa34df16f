"""WHO LMS tables as dense numpy arrays for O(1) vectorized lookup.

Every table is stored as flat float64 arrays indexed ``sex_offset + key_index`` where
``sex_offset = (sex - 1) * n_keys``. One extra NaN row at the end (``sentinel``) is where
every invalid lookup (missing sex, key out of range) points, so a gather never needs a mask
and an out-of-range row simply yields NaN z-scores.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

WHO_DATA_PACKAGE = "growthstandards.data.who"

# name -> (file, key column, key multiplier to an integer key, first key, last key)
# The last key of the 2007 tables is one month past the WHO limit, only for interpolation.
TABLE_SPECS: dict[str, tuple[str, str, int, int, int]] = {
    "wfa": ("who2006_weight_for_age.csv", "age_days", 1, 0, 1826),
    "lhfa": ("who2006_length_height_for_age.csv", "age_days", 1, 0, 1826),
    "bfa": ("who2006_bmi_for_age.csv", "age_days", 1, 0, 1826),
    "hcfa": ("who2006_head_circumference_for_age.csv", "age_days", 1, 0, 1826),
    # MUAC and skinfold tables start at day 91; days 0-90 stay NaN (-> z NA).
    "acfa": ("who2006_arm_circumference_for_age.csv", "age_days", 1, 0, 1826),
    "tsfa": ("who2006_triceps_skinfold_for_age.csv", "age_days", 1, 0, 1826),
    "ssfa": ("who2006_subscapular_skinfold_for_age.csv", "age_days", 1, 0, 1826),
    "wfl": ("who2006_weight_for_length.csv", "length_cm", 10, 450, 1100),
    "wfh": ("who2006_weight_for_height.csv", "height_cm", 10, 650, 1200),
    "hfa_2007": ("who2007_height_for_age.csv", "age_months", 1, 60, 229),
    "wfa_2007": ("who2007_weight_for_age.csv", "age_months", 1, 60, 121),
    "bfa_2007": ("who2007_bmi_for_age.csv", "age_months", 1, 60, 229),
}

WHO2006_AGE_TABLES = ("wfa", "lhfa", "bfa", "hcfa", "acfa", "tsfa", "ssfa")
WHO2007_TABLES = ("hfa_2007", "wfa_2007", "bfa_2007")


@dataclass(frozen=True, slots=True)
class LmsTable:
    """One LMS table for both sexes, flattened.

    ``key_first``/``n_keys`` describe the integer key (days, months, or length in mm);
    ``l``, ``m``, ``s`` and ``sl`` (= S*L, the z denominator) have ``2 * n_keys + 1`` entries.
    """

    name: str
    source_file: str
    key_column: str
    key_scale: int
    key_first: int
    n_keys: int
    l: np.ndarray  # noqa: E741 - L is the LMS name
    m: np.ndarray
    s: np.ndarray
    sl: np.ndarray
    l_is_one: bool

    @property
    def sentinel(self) -> int:
        return len(self.l) - 1

    def flat_index(self, sex: np.ndarray, key: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """Flat row index for integer ``key`` (float array of whole numbers) and sex 1/2.

        Rows that are not ``valid``, have no sex, or fall outside the table go to the sentinel.
        """
        rel = key - self.key_first
        ok = valid & (sex > 0) & (rel >= 0) & (rel < self.n_keys)
        idx = np.where(ok, rel + (sex.astype(np.intp) - 1) * self.n_keys, self.sentinel)
        return idx.astype(np.intp)

    def lms_at(self, sex: int, key: int) -> tuple[float, float, float]:
        """L, M, S of one row (NaN if absent)."""
        i = self.flat_index(np.array([sex]), np.array([float(key)]), np.array([True]))[0]
        return float(self.l[i]), float(self.m[i]), float(self.s[i])


def _read_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files(WHO_DATA_PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    rows = csv.reader(text.splitlines())
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


@cache
def load_table(name: str) -> LmsTable:
    """Load (once) the named table; see ``TABLE_SPECS`` for the names."""
    filename, key_column, scale, first, last = TABLE_SPECS[name]
    n_keys = last - first + 1
    rows = _read_rows(filename)

    def column(name: str) -> np.ndarray:  # numpy parses each str with float(), as Python does
        return np.array([row[name] for row in rows], dtype=np.float64)

    # Keys like 45.1 cm become 451 mm exactly; rint (half to even, as round()) absorbs the
    # binary representation.
    keys = np.rint(column(key_column) * scale).astype(np.intp)
    index = (column("sex").astype(np.intp) - 1) * n_keys + keys - first
    arrays = {}
    for c in ("l", "m", "s"):
        a = np.full(2 * n_keys + 1, np.nan)
        a[index] = column(c)
        a.flags.writeable = False
        arrays[c] = a
    l, m, s = arrays["l"], arrays["m"], arrays["s"]  # noqa: E741
    sl = s * l
    sl.flags.writeable = False
    finite_l = l[np.isfinite(l)]
    return LmsTable(
        name=name,
        source_file=filename,
        key_column=key_column,
        key_scale=scale,
        key_first=first,
        n_keys=n_keys,
        l=l,
        m=m,
        s=s,
        sl=sl,
        l_is_one=bool(np.all(finite_l == 1.0)),
    )


@cache
def weight_for_lenhei_table() -> LmsTable:
    """Weight-for-length (45-110 cm) and weight-for-height (65-120 cm) in one flat table.

    Keys are millimetres 450..1200 per sex and per curve: block 0/1 = length table for
    sex 1/2, block 2/3 = height table. Key range of each block: 450..1200 (751 keys) so a
    single offset works; rows a curve does not cover stay NaN.
    """
    wfl, wfh = load_table("wfl"), load_table("wfh")
    first, n_keys = 450, 751
    out = {c: np.full(4 * n_keys + 1, np.nan) for c in ("l", "m", "s")}
    for block, (tab, sex) in enumerate(((wfl, 1), (wfl, 2), (wfh, 1), (wfh, 2))):
        src = slice((sex - 1) * tab.n_keys, sex * tab.n_keys)
        start = block * n_keys + tab.key_first - first
        for c in ("l", "m", "s"):
            out[c][start : start + tab.n_keys] = getattr(tab, c)[src]
    for a in out.values():
        a.flags.writeable = False
    return LmsTable(
        name="wflh",
        source_file=f"{wfl.source_file} + {wfh.source_file}",
        key_column="lenhei_mm",
        key_scale=10,
        key_first=first,
        n_keys=n_keys,
        l=out["l"],
        m=out["m"],
        s=out["s"],
        sl=out["s"] * out["l"],
        l_is_one=False,
    )


def preload() -> None:
    """Load every table now (about 0.1 s), not on the first measurement that needs it: a
    server calls this at start, before it forks its workers, so that no request pays it and
    the workers share the arrays."""
    for name in TABLE_SPECS:
        load_table(name)
    weight_for_lenhei_table()
