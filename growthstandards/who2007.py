"""WHO Growth Reference 2007 (5-19 years): the rules of the WHO ``anthroplus`` package.

LMS values are interpolated linearly between whole months. Valid ages (months, inclusive):
height- and BMI-for-age 60-228, weight-for-age 60-120. Like ``who2006``, a measurement
<= 0 and a negative age are invalid input here (the R package would compute or stop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from . import inputs
from .lms import flag, round_z, z_plain, z_restricted
from .result import ZscoreColumns, floats
from .tables import LmsTable, load_table

INDICATORS = ("hfa", "wfa", "bfa")
FIRST_MONTH = 60
LAST_MONTH = {"hfa": 228, "wfa": 120, "bfa": 228}
FLAG_LIMITS = {"hfa": (-6.0, 6.0), "wfa": (-6.0, 5.0), "bfa": (-5.0, 5.0)}
TABLES = {"hfa": "hfa_2007", "wfa": "wfa_2007", "bfa": "bfa_2007"}
INVALID_MESSAGES = {
    "age_months": "age_months: a negative age is invalid; no z-score computed",
    "height": "height: must be > 0 cm; zhfa and zbfa not computed",
    "weight": "weight: must be > 0 kg; zwfa and zbfa not computed",
}


@dataclass
class Who2007Result(ZscoreColumns):
    """Column results, shaped like ``Who2006Result`` (csex 0 = NA, flags -1 = NA)."""

    indicators: ClassVar[tuple[str, ...]] = INDICATORS
    invalid_messages: ClassVar[dict[str, str]] = INVALID_MESSAGES

    age_months: np.ndarray
    csex: np.ndarray
    oedema: np.ndarray
    cbmi: np.ndarray
    z: dict[str, np.ndarray]
    z_unrounded: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]
    invalid: dict[str, np.ndarray] = field(default_factory=dict)

    def row(self, i: int) -> dict[str, Any]:
        return self.rows([i])[0]

    def rows(self, index: Sequence[int]) -> list[dict[str, Any]]:
        """``row`` of each of the rows ``index``, each column converted once."""
        idx = np.asarray(index, dtype=np.intp)
        columns = zip(
            floats(self.age_months, idx),
            self.csex[idx].tolist(),
            self.oedema[idx].tolist(),
            floats(self.cbmi, idx),
            self.indicator_rows(idx),
            strict=True,
        )
        return [
            {
                "age_in_months": age,
                "csex": csex or None,
                "coedema": "y" if oedema else "n",
                "cbmi": cbmi,
                **indicators,
            }
            for age, csex, oedema, cbmi, indicators in columns
        ]


def interpolated_lms(
    table: LmsTable, sex: np.ndarray, age_months: np.ndarray, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M, S linearly interpolated between whole months (``anthroplus`` arithmetic)."""
    low = np.trunc(age_months)
    upp = np.trunc(age_months + 1)
    diff = age_months - low
    i_low = table.flat_index(sex, low, valid)
    i_upp = table.flat_index(sex, upp, valid)
    interp = diff > 0
    out = []
    for col in (table.l, table.m, table.s):
        lo = col.take(i_low)
        up = col.take(i_upp)
        out.append(np.where(interp, lo + diff * (up - lo), lo))
    return out[0], out[1], out[2]


def zscores(
    sex: inputs.ArrayLike,
    age_months: inputs.ArrayLike | None = None,
    height: inputs.ArrayLike | None = None,
    weight: inputs.ArrayLike | None = None,
    oedema: inputs.ArrayLike | None = None,
) -> Who2007Result:
    """WHO 2007 z-scores for columns (like ``anthroplus_zscores``); age in months, may be
    fractional (from days: ``days / 30.4375``), height cm, weight kg."""
    csex = inputs.sex_codes(sex)
    n = len(csex)
    age = inputs.float_array(age_months, n)
    h = inputs.float_array(height, n)
    w = inputs.float_array(weight, n)
    oed = np.zeros(n, np.bool_) if oedema is None else inputs.oedema_flags(oedema)
    age_out = age.copy()
    invalid = {"age_months": (age < 0) | np.isinf(age)}
    age[invalid["age_months"]] = np.nan
    invalid["height"] = inputs.reject_nonpositive(h)
    invalid["weight"] = inputs.reject_nonpositive(w)

    cbmi = w / ((h / 100) ** 2)
    measurements = {
        "hfa": h,
        "wfa": np.where(oed, np.nan, w),
        "bfa": np.where(oed, np.nan, cbmi),
    }
    z: dict[str, np.ndarray] = {}
    rounded: dict[str, np.ndarray] = {}
    flags: dict[str, np.ndarray] = {}
    for ind in INDICATORS:
        valid = (age >= FIRST_MONTH) & (age <= LAST_MONTH[ind])
        l, m, s = interpolated_lms(load_table(TABLES[ind]), csex, age, valid)  # noqa: E741
        y = measurements[ind]
        zi = z_plain(y, l, m, s * l) if ind == "hfa" else z_restricted(y, l, m, s)
        zi[~valid] = np.nan
        key = f"z{ind}"
        z[key] = zi
        rounded[key] = round_z(zi)
        flags[f"f{ind}"] = flag(rounded[key], *FLAG_LIMITS[ind])
    return Who2007Result(age_out, csex, oed, cbmi, rounded, z, flags, invalid)


def zscores_one(
    sex: int | str,
    age_months: float,
    height: float | None = None,
    weight: float | None = None,
    oedema: bool | str = False,
) -> dict[str, Any]:
    """One child's WHO 2007 z-scores; ``ValueError`` for invalid input (see ``who2006``)."""
    return zscores_rows([sex], [age_months], [height], [weight], [oedema])[0]


def zscores_rows(
    sex: Sequence[int | str],
    age_months: Sequence[float],
    height: Sequence[float | None] | None = None,
    weight: Sequence[float | None] | None = None,
    oedema: Sequence[bool | str] | None = None,
) -> list[dict[str, Any]]:
    """``zscores_one`` of many children in one column computation: the same checks (the
    first failing row raises its ``ValueError``) and the same dict per row."""
    n = len(sex)
    heights = list(height) if height is not None else [None] * n
    weights = list(weight) if weight is not None else [None] * n
    oedemas = list(oedema) if oedema is not None else [False] * n
    oed = np.zeros(n, np.bool_)
    checked = inputs.CheckedOnce()
    for i in range(n):
        checked.sex(sex[i])
        age = age_months[i]
        if age is None or not age >= 0:
            raise ValueError(f"age_months must be >= 0, got {age!r}")
        for name, value in (("height", heights[i]), ("weight", weights[i])):
            if value is not None and not (0 < value < float("inf")):
                raise ValueError(f"{name} must be > 0, got {value!r}")
        oed[i] = checked.oedema(oedemas[i])
    res = zscores(list(sex), list(age_months), heights, weights, oed)
    return res.rows(range(n))
