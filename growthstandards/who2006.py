"""WHO Child Growth Standards 2006 (0-5 years): the rules of the WHO ``anthro`` package.

Whole columns at once; see ``RULES.md`` section 1 (copied in the package README) for every
rule. One deliberate difference from the R package: a measurement <= 0 (or infinite) and a
negative age are invalid input. For columns the value is treated as missing (its z-scores
are NA) and the row is listed in ``Who2006Result.invalid``; a negative age makes every
z-score of that row NA, weight-for-length/height included (the age decides which table and
whether the 0.7 cm adjustment applies). ``zscores_one`` raises ``ValueError`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from . import inputs
from .lms import flag, round_z, z_plain_l1, z_restricted
from .result import ZscoreColumns, floats
from .tables import LmsTable, load_table, weight_for_lenhei_table

DAYS_PER_MONTH = 30.4375
AGE_LIMIT_MONTHS = 60  # z-scores only if age_months < 60 (unrounded)
FIRST_HEIGHT_DAY = 731  # rounded age from which the standing-height curves apply
STANDING_MIN_MONTHS = 9  # "h" below 9 months is implausible: measure set to unknown
LENHEI_ADJUST_CM = 0.7
WFL_TABLE_SWITCH_CM = 87  # table choice when both age and measure are unknown
BLOCK_ROWS = 32_768  # rows per computation block; keeps the work arrays in cache

INDICATORS = ("len", "wei", "wfl", "bmi", "hc", "ac", "ts", "ss")
# indicator -> (low, high): flagged if rounded z < low or z > high
FLAG_LIMITS = {
    "len": (-6.0, 6.0),
    "wei": (-6.0, 5.0),
    "wfl": (-5.0, 5.0),
    "bmi": (-5.0, 5.0),
    "hc": (-5.0, 5.0),
    "ac": (-5.0, 5.0),
    "ts": (-5.0, 5.0),
    "ss": (-5.0, 5.0),
}
MEASUREMENT_FIELDS = ("weight", "lenhei", "headc", "muac", "triskin", "subskin")
INVALID_MESSAGES = {
    "age_days": "age_days: a negative age is invalid; no z-score computed",
    "weight": "weight: must be > 0 kg; zwei, zwfl and zbmi not computed",
    "lenhei": "lenhei: must be > 0 cm (also after the 0.7 cm adjustment); "
    "zlen, zwfl and zbmi not computed",
    "headc": "headc: must be > 0 cm; zhc not computed",
    "muac": "muac: must be > 0 cm; zac not computed",
    "triskin": "triskin: must be > 0 mm; zts not computed",
    "subskin": "subskin: must be > 0 mm; zss not computed",
}


@dataclass
class Who2006Result(ZscoreColumns):
    """Column results. Codes: csex 1/2/0 (0 = NA), cmeasure 1 = l, 2 = h, 0 = NA; the z,
    flag and invalid columns as in ``ZscoreColumns``."""

    indicators: ClassVar[tuple[str, ...]] = INDICATORS
    invalid_messages: ClassVar[dict[str, str]] = INVALID_MESSAGES

    clenhei: np.ndarray
    cmeasure: np.ndarray
    c9mo_flag: np.ndarray
    cbmi: np.ndarray
    csex: np.ndarray
    z: dict[str, np.ndarray]
    z_unrounded: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]
    invalid: dict[str, np.ndarray] = field(default_factory=dict)

    def row(self, i: int) -> dict[str, Any]:
        """One row as plain Python values (None for NA)."""
        return self.rows([i])[0]

    def rows(self, index: Sequence[int]) -> list[dict[str, Any]]:
        """``row`` of each of the rows ``index``, each column converted once."""
        idx = np.asarray(index, dtype=np.intp)
        columns = zip(
            floats(self.clenhei, idx),
            self.cmeasure[idx].tolist(),
            self.c9mo_flag[idx].tolist(),
            floats(self.cbmi, idx),
            self.csex[idx].tolist(),
            self.indicator_rows(idx),
            strict=True,
        )
        return [
            {
                "clenhei": clenhei,
                "cmeasure": inputs.MEASURE_LETTERS.get(cmeasure),
                "c9mo_flag": c9mo,
                "cbmi": cbmi,
                "csex": csex or None,
                **indicators,
            }
            for clenhei, cmeasure, c9mo, cbmi, csex, indicators in columns
        ]


def round_half_up_days(age_days: np.ndarray) -> np.ndarray:
    """The WHO ``round_up``: floor, plus one if the remainder is >= 0.5 (NaN stays NaN)."""
    whole: np.ndarray = np.floor(age_days)
    whole += (age_days - whole) >= 0.5
    return whole


def zscores(
    sex: inputs.ArrayLike,
    age_days: inputs.ArrayLike | None = None,
    weight: inputs.ArrayLike | None = None,
    lenhei: inputs.ArrayLike | None = None,
    measure: inputs.ArrayLike | None = None,
    headc: inputs.ArrayLike | None = None,
    muac: inputs.ArrayLike | None = None,
    triskin: inputs.ArrayLike | None = None,
    subskin: inputs.ArrayLike | None = None,
    oedema: inputs.ArrayLike | None = None,
) -> Who2006Result:
    """All WHO 2006 z-scores and flags for columns of children (like ``anthro_zscores``).

    Units: age in days (may be fractional), weight kg, lenhei/headc/muac cm, skinfolds mm.
    ``sex``: 1/2 or "m"/"f"; ``measure``: "l"/"h" (or codes 1/2); ``oedema``: "y"/"n" or bool.
    ``None`` for a column means all missing.
    """
    csex = inputs.sex_codes(sex)
    n = len(csex)
    cols = {
        "age_days": inputs.float_array(age_days, n),
        "weight": inputs.float_array(weight, n),
        "lenhei": inputs.float_array(lenhei, n),
        "headc": inputs.float_array(headc, n),
        "muac": inputs.float_array(muac, n),
        "triskin": inputs.float_array(triskin, n),
        "subskin": inputs.float_array(subskin, n),
    }
    mcodes = np.zeros(n, np.int8) if measure is None else inputs.measure_codes(measure)
    oed = np.zeros(n, np.bool_) if oedema is None else inputs.oedema_flags(oedema)
    for name, arr in cols.items():
        if len(arr) != n:
            raise ValueError(f"{name} has {len(arr)} values, sex has {n}")

    age = cols["age_days"]
    invalid = {"age_days": (age < 0) | np.isinf(age)}
    age[invalid["age_days"]] = np.nan
    for name in MEASUREMENT_FIELDS:
        invalid[name] = inputs.reject_nonpositive(cols[name])

    res = _allocate(n, csex)
    res.invalid = invalid
    for start in range(0, n, BLOCK_ROWS):
        sl = slice(start, min(start + BLOCK_ROWS, n))
        _compute_block(
            sl,
            csex[sl],
            age[sl],
            invalid["age_days"][sl],
            {k: cols[k][sl] for k in MEASUREMENT_FIELDS},
            mcodes[sl],
            oed[sl],
            res,
        )
    return res


def _allocate(n: int, csex: np.ndarray) -> Who2006Result:
    def z_arrays() -> dict[str, np.ndarray]:
        return {f"z{i}": np.empty(n) for i in INDICATORS}

    return Who2006Result(
        clenhei=np.empty(n),
        cmeasure=np.empty(n, np.int8),
        c9mo_flag=np.empty(n, np.int8),
        cbmi=np.empty(n),
        csex=csex,
        z=z_arrays(),
        z_unrounded=z_arrays(),
        flags={f"f{i}": np.empty(n, np.int8) for i in INDICATORS},
    )


def _compute_block(
    rows: slice,
    sex: np.ndarray,
    age: np.ndarray,
    bad_age: np.ndarray,
    meas: dict[str, np.ndarray],
    measure: np.ndarray,
    oedema: np.ndarray,
    res: Who2006Result,
) -> None:
    age_months = age / DAYS_PER_MONTH
    age_ok = age_months < AGE_LIMIT_MONTHS  # False for missing age
    has_age = ~np.isnan(age)
    age_r = round_half_up_days(age)

    # Rule 4: standing below 9 months is implausible -> unknown, flagged.
    implausible = (measure == inputs.MEASURE_HEIGHT) & (age_months < STANDING_MIN_MONTHS)
    cmeasure = np.where(implausible, inputs.MEASURE_UNKNOWN, measure).astype(np.int8)

    # Rule 5: the 0.7 cm length/height adjustment by rounded age.
    under2 = age_r < FIRST_HEIGHT_DAY
    over2 = age_r >= FIRST_HEIGHT_DAY
    clenhei = meas["lenhei"].copy()
    np.add(clenhei, LENHEI_ADJUST_CM, out=clenhei, where=under2 & (cmeasure == 2))
    np.subtract(clenhei, LENHEI_ADJUST_CM, out=clenhei, where=over2 & (cmeasure == 1))
    # A clenhei <= 0 (lenhei <= 0.7 cm measured lying after 2 years) is rejected too.
    too_short = clenhei <= 0
    if too_short.any():
        clenhei[too_short] = np.nan
        res.invalid["lenhei"][rows] |= too_short

    weight = meas["weight"]
    cbmi = weight / ((clenhei / 100) ** 2)
    no_oedema_weight = np.where(oedema, np.nan, weight)
    no_oedema_bmi = np.where(oedema, np.nan, cbmi)

    wfa = load_table("wfa")
    idx = wfa.flat_index(sex, age_r, age_ok)  # all day tables share one layout
    z = {
        "zlen": _age_z(load_table("lhfa"), idx, clenhei),
        "zwei": _age_z(wfa, idx, no_oedema_weight),
        "zwfl": _wfl_z(sex, has_age, age_ok, bad_age, age_r, cmeasure, clenhei, oedema, weight),
        "zbmi": _age_z(load_table("bfa"), idx, no_oedema_bmi),
        "zhc": _age_z(load_table("hcfa"), idx, meas["headc"]),
        "zac": _age_z(load_table("acfa"), idx, meas["muac"]),
        "zts": _age_z(load_table("tsfa"), idx, meas["triskin"]),
        "zss": _age_z(load_table("ssfa"), idx, meas["subskin"]),
    }

    res.clenhei[rows] = clenhei
    res.cmeasure[rows] = cmeasure
    res.c9mo_flag[rows] = implausible
    res.cbmi[rows] = cbmi
    for ind in INDICATORS:
        key = f"z{ind}"
        rounded = round_z(z[key])
        res.z_unrounded[key][rows] = z[key]
        res.z[key][rows] = rounded
        low, high = FLAG_LIMITS[ind]
        res.flags[f"f{ind}"][rows] = flag(rounded, low, high)


def _age_z(table: LmsTable, idx: np.ndarray, y: np.ndarray) -> np.ndarray:
    m = table.m.take(idx)
    if table.l_is_one:
        # Length and head circumference: L = 1, plain LMS (no restriction in WHO anthro).
        return z_plain_l1(y, m, table.s.take(idx))
    return z_restricted(y, table.l.take(idx), m, table.s.take(idx), table.sl.take(idx))


def _wfl_z(
    sex: np.ndarray,
    has_age: np.ndarray,
    age_ok: np.ndarray,
    bad_age: np.ndarray,
    age_r: np.ndarray,
    cmeasure: np.ndarray,
    clenhei: np.ndarray,
    oedema: np.ndarray,
    weight: np.ndarray,
) -> np.ndarray:
    """Rule 7: weight-for-length (< 731 d) or -for-height, interpolated at 0.1 cm."""
    unknown = cmeasure == inputs.MEASURE_UNKNOWN
    use_h = np.where(
        has_age,
        age_r >= FIRST_HEIGHT_DAY,
        (cmeasure == inputs.MEASURE_HEIGHT) | (unknown & (clenhei >= WFL_TABLE_SWITCH_CM)),
    )
    use_l = np.where(
        has_age,
        age_r < FIRST_HEIGHT_DAY,
        (cmeasure == inputs.MEASURE_LENGTH) | (unknown & (clenhei < WFL_TABLE_SWITCH_CM)),
    )
    valid = (use_l & (clenhei >= 45) & (clenhei <= 110)) | (
        use_h & (clenhei >= 65) & (clenhei <= 120)
    )
    valid &= ~oedema & ~bad_age & (sex > 0) & (age_ok | ~has_age)

    tab = weight_for_lenhei_table()
    tenths = clenhei * 10
    low_key = np.trunc(tenths)
    upp_key = np.trunc(tenths + 1)
    diff = (clenhei - low_key / 10) / 0.1
    block_start = ((sex.astype(np.intp) - 1) + 2 * use_h) * tab.n_keys - tab.key_first
    i_low = np.where(valid, low_key + block_start, tab.sentinel).astype(np.intp)
    i_upp = np.where(valid & (upp_key - low_key == 1), upp_key + block_start, tab.sentinel)
    i_upp = i_upp.astype(np.intp)
    # upp_key can differ from low_key + 1 only on a binade edge; then look it up properly.
    odd = valid & (upp_key - low_key != 1)
    if odd.any():
        i_upp[odd] = (upp_key[odd] + block_start[odd]).astype(np.intp)
    np.minimum(i_upp, tab.sentinel, out=i_upp)

    interp = diff > 0
    lms = []
    for col in (tab.l, tab.m, tab.s):
        lo = col.take(i_low)
        up = col.take(i_upp)
        up -= lo
        up *= diff
        up += lo
        lms.append(np.where(interp, up, lo))
    l, m, s = lms  # noqa: E741
    y = np.where(valid, weight, np.nan)
    return z_restricted(y, l, m, s)


def zscores_one(
    sex: int | str,
    age_days: float | None,
    weight: float | None = None,
    lenhei: float | None = None,
    measure: str | None = None,
    headc: float | None = None,
    muac: float | None = None,
    triskin: float | None = None,
    subskin: float | None = None,
    oedema: bool | str = False,
) -> dict[str, Any]:
    """One child's WHO 2006 z-scores (see ``Who2006Result.row`` for the keys).

    Raises ``ValueError`` for an unknown sex or measure, a negative age, or a measurement
    <= 0; ``None`` means not measured.
    """
    return zscores_rows(
        [sex],
        [age_days],
        weight=[weight],
        lenhei=[lenhei],
        measure=[measure],
        headc=[headc],
        muac=[muac],
        triskin=[triskin],
        subskin=[subskin],
        oedema=[oedema],
    )[0]


def zscores_rows(
    sex: Sequence[int | str],
    age_days: Sequence[float | None],
    weight: Sequence[float | None] | None = None,
    lenhei: Sequence[float | None] | None = None,
    measure: Sequence[str | None] | None = None,
    headc: Sequence[float | None] | None = None,
    muac: Sequence[float | None] | None = None,
    triskin: Sequence[float | None] | None = None,
    subskin: Sequence[float | None] | None = None,
    oedema: Sequence[bool | str] | None = None,
) -> list[dict[str, Any]]:
    """``zscores_one`` of many children in one column computation: the same checks (the
    first failing row raises its ``ValueError``) and the same dict per row."""
    n = len(sex)
    columns = {
        "weight": weight,
        "lenhei": lenhei,
        "headc": headc,
        "muac": muac,
        "triskin": triskin,
        "subskin": subskin,
    }
    values = {k: list(v) if v is not None else [None] * n for k, v in columns.items()}
    measures = list(measure) if measure is not None else [None] * n
    oedemas = list(oedema) if oedema is not None else [False] * n
    oed = np.zeros(n, np.bool_)
    checked = inputs.CheckedOnce()
    for i in range(n):
        checked.sex(sex[i])
        m = measures[i]
        if m not in (None, ""):
            checked.measure(m)
        age = age_days[i]
        if age is not None and not age >= 0:
            raise ValueError(f"age_days must be >= 0, got {age!r}")
        for name, column in values.items():
            value = column[i]
            if value is not None and not (0 < value < float("inf")):
                raise ValueError(f"{name} must be > 0, got {value!r}")
        oed[i] = checked.oedema(oedemas[i])
    res = zscores(list(sex), list(age_days), measure=measures, oedema=oed, **values)
    for i in np.flatnonzero(res.invalid["lenhei"]).tolist():
        raise ValueError(f"lenhei {values['lenhei'][i]!r} is <= 0 after the 0.7 cm adjustment")
    return res.rows(range(n))
