"""Property tests: monotonic in the measurement, the restricted z at +/-3 SD, NA ranges."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from growthstandards import who2006, who2007
from growthstandards.lms import sd_value, z_plain, z_restricted
from growthstandards.tables import load_table

# derandomize: the same examples on every run (stable CI); database=None: no .hypothesis/ dir
FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)
AGE_TABLES = ("wfa", "lhfa", "bfa", "hcfa", "acfa", "tsfa", "ssfa")
sexes = st.sampled_from([1, 2])


def _row(table: str, sex: int, key: int) -> tuple[float, float, float]:
    return load_table(table).lms_at(sex, key)


@FAST
@given(st.sampled_from(AGE_TABLES), sexes, st.integers(91, 1826), st.floats(0.3, 3.0))
def test_z_strictly_increases_with_the_measurement(
    table: str, sex: int, day: int, spread: float
) -> None:
    l_, m_, s_ = _row(table, sex, day)
    y = np.linspace(m_ / (1 + spread), m_ * (1 + spread), 400)
    z = z_restricted(y, np.full_like(y, l_), np.full_like(y, m_), np.full_like(y, s_))
    assert np.all(np.diff(z) > 0)


@FAST
@given(sexes, st.integers(0, 1826), st.floats(45.0, 110.0))
def test_engine_zwfl_increases_with_weight(sex: int, day: int, length: float) -> None:
    weights = np.linspace(1.0, 40.0, 200)
    n = len(weights)
    res = who2006.zscores(
        np.full(n, sex), np.full(n, float(min(day, 730))), weights, np.full(n, length),
        np.full(n, 1),
    )  # fmt: skip
    assert np.all(np.diff(res.z_unrounded["zwfl"]) > 0)


@FAST
@given(st.sampled_from(("wfa", "bfa", "acfa", "tsfa", "ssfa")), sexes, st.integers(91, 1826))
def test_restricted_z_is_continuous_and_linear_beyond_3sd(table: str, sex: int, day: int) -> None:
    l_, m_, s_ = _row(table, sex, day)
    one = np.ones(1)
    lms = (one * l_, one * m_, one * s_)
    sd = {k: sd_value(k, l_, m_, s_) for k in (-3, -2, 2, 3)}
    for k in (3, -3):
        at = z_restricted(one * sd[k], *lms)[0]
        assert abs(at - k) < 1e-9
        for eps in (1e-9, -1e-9):
            near = z_restricted(one * sd[k] * (1 + eps), *lms)[0]
            assert abs(near - k) < 1e-6  # no jump at the seam
    step_hi = sd[3] - sd[2]
    step_lo = sd[-2] - sd[-3]
    for extra in (0.5, 1.0, 2.5):
        hi = z_restricted(one * (sd[3] + extra * step_hi), *lms)[0]
        lo = z_restricted(one * (sd[-3] - extra * step_lo), *lms)[0]
        assert abs(hi - (3 + extra)) < 1e-9 and abs(lo - (-3 - extra)) < 1e-9
    inside = np.linspace(sd[-3], sd[3], 50)[1:-1]
    plain = z_plain(inside, inside * 0 + l_, inside * 0 + m_, inside * 0 + s_ * l_)
    assert np.allclose(
        z_restricted(inside, *(np.full_like(inside, v) for v in (l_, m_, s_))), plain
    )


@FAST
@given(sexes, st.floats(1826.25, 10000.0))
def test_na_from_60_months(sex: int, age: float) -> None:
    row = who2006.zscores([sex], [age], [15.0], [100.0], ["h"], [49.0], [15.0], [8.0], [6.0]).row(0)
    assert all(row[f"z{i}"] is None for i in who2006.INDICATORS)


@FAST
@given(sexes, st.floats(0.0, 1826.2))
def test_computed_below_60_months(sex: int, age: float) -> None:
    res = who2006.zscores([sex], [age], [10.0], [80.0], ["l"], [45.0])
    row = res.row(0)
    assert row["zwei"] is not None and row["zlen"] is not None and row["zhc"] is not None


@FAST
@given(sexes, st.integers(0, 730), st.one_of(st.floats(20.0, 44.99), st.floats(110.01, 130.0)))
def test_weight_for_length_na_outside_45_110(sex: int, day: int, length: float) -> None:
    assert who2006.zscores([sex], [day], [8.0], [length], ["l"]).row(0)["zwfl"] is None


@FAST
@given(sexes, st.integers(731, 1826), st.one_of(st.floats(40.0, 64.99), st.floats(120.01, 140.0)))
def test_weight_for_height_na_outside_65_120(sex: int, day: int, height: float) -> None:
    assert who2006.zscores([sex], [day], [12.0], [height], ["h"]).row(0)["zwfl"] is None


@FAST
@given(sexes, st.one_of(st.floats(0.0, 59.99), st.floats(228.01, 400.0)))
def test_who2007_na_outside_60_228_months(sex: int, age: float) -> None:
    row = who2007.zscores_one(sex, age, height=140.0, weight=35.0)
    assert row["zhfa"] is None and row["zbfa"] is None and row["zwfa"] is None
