"""The WHO rules one by one (RULES.md), with hand-picked values."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from growthstandards import who2006, who2007, zscores_one
from growthstandards.lms import round_z, sd_value
from growthstandards.tables import load_table


def one(**kw: Any) -> dict[str, Any]:
    kw.setdefault("sex", 1)
    return who2006.zscores(**{k: [v] for k, v in kw.items()}).row(0)


def test_age_rounds_half_up() -> None:
    assert who2006.round_half_up_days(np.array([730.5, 730.49, 0.5, 1826.2])).tolist() == [
        731,
        730,
        1,
        1826,
    ]
    # 730.5 days counts as 731: lying length is converted to height (-0.7 cm)
    assert one(age_days=730.5, lenhei=85.0, measure="l")["clenhei"] == 85.0 - 0.7
    assert one(age_days=730.49, lenhei=85.0, measure="l")["clenhei"] == 85.0


@pytest.mark.parametrize(
    ("age", "computed"), [(1826, True), (1826.2, True), (1826.25, False), (1827, False)]
)
def test_age_limit_is_60_months_unrounded(age: float, computed: bool) -> None:
    row = one(age_days=age, weight=17.0, lenhei=108.0, measure="h", headc=50.0, muac=16.0)
    for z in ("zwei", "zlen", "zwfl", "zbmi", "zhc", "zac"):
        assert (row[z] is not None) == computed, z


def test_under_9_months_standing_is_unknown_and_flagged() -> None:
    young = one(age_days=273.9, lenhei=70.0, measure="h")
    assert young["c9mo_flag"] == 1 and young["cmeasure"] is None
    assert young["clenhei"] == 70.0  # no +0.7 once the measure is unknown
    older = one(age_days=273.94, lenhei=70.0, measure="h")
    assert older["c9mo_flag"] == 0 and older["cmeasure"] == "h"
    assert older["clenhei"] == 70.0 + 0.7


def test_lenhei_adjustment_is_plain_float_arithmetic() -> None:
    assert one(age_days=800, lenhei=45.3, measure="l")["clenhei"] == 44.599999999999994
    assert one(age_days=500, lenhei=109.3, measure="h")["clenhei"] == 110.0
    assert one(age_days=800, lenhei=65.7, measure="L")["clenhei"] == 65.0
    assert one(lenhei=80.0, measure="h")["clenhei"] == 80.0  # no age: no adjustment


def test_table_edges_reached_by_adjustment_are_computed() -> None:
    assert one(age_days=500, weight=18.0, lenhei=109.3, measure="h")["zwfl"] is not None
    assert one(age_days=800, weight=7.0, lenhei=65.7, measure="l")["zwfl"] is not None


@pytest.mark.parametrize(
    ("lenhei", "measure", "computed", "table"),
    [
        (100.0, "l", True, "wfl"),
        (70.0, "h", True, "wfh"),
        (86.9, None, True, "wfl"),
        (87.0, None, True, "wfh"),
        (64.9, "h", False, None),  # below the height table: no fallback to length
        (110.1, "l", False, None),
        (44.9, None, False, None),
    ],
)
def test_wfl_table_choice_without_age(
    lenhei: float, measure: str | None, computed: bool, table: str | None
) -> None:
    row = one(weight=9.0, lenhei=lenhei, measure=measure)
    assert (row["zwfl"] is not None) == computed
    if table:
        tab = load_table(table)
        l_, m_, s_ = tab.lms_at(1, round(lenhei * 10))
        w = m_ * 1.05  # within +/-3 SD: the plain LMS formula applies
        row = one(weight=w, lenhei=lenhei, measure=measure)
        assert row["zwfl_unrounded"] == pytest.approx(((w / m_) ** l_ - 1) / (s_ * l_), abs=1e-12)


def test_wfl_interpolates_between_tenths() -> None:
    tab = load_table("wfl")
    lo, hi = tab.lms_at(2, 653), tab.lms_at(2, 654)
    x = 65.36
    d = (x - 65.3) / 0.1
    l_, m_, s_ = (a + d * (b - a) for a, b in zip(lo, hi, strict=True))
    row = one(sex=2, age_days=300, weight=7.5, lenhei=x, measure="l")
    assert row["zwfl_unrounded"] == pytest.approx(((7.5 / m_) ** l_ - 1) / (s_ * l_), abs=1e-12)


def test_oedema_removes_weight_indices_only() -> None:
    row = one(age_days=400, weight=9, lenhei=75, measure="l", oedema="y")
    assert row["zwei"] is None and row["zwfl"] is None and row["zbmi"] is None
    assert row["zlen"] is not None and row["fwei"] is None
    for spelling in ("Y", "1", 1, True):
        assert one(age_days=400, weight=9, oedema=spelling)["zwei"] is None
    for other in ("n", "N", "2", "", None, "x"):
        assert one(age_days=400, weight=9, oedema=other)["zwei"] is not None


def test_sex_spellings_and_missing_sex() -> None:
    for male in (1, "1", "m", "M"):
        assert one(sex=male, age_days=10, weight=3.5)["csex"] == 1
    for female in (2, "2", "f", "F"):
        assert one(sex=female, age_days=10, weight=3.5)["csex"] == 2
    row = one(sex="", age_days=10, weight=3.5, lenhei=50)
    assert row["csex"] is None and row["zwei"] is None and row["cbmi"] is not None


def test_muac_and_skinfolds_start_at_91_days() -> None:
    assert one(age_days=90, muac=12.0)["zac"] is None
    assert one(age_days=90.5, muac=12.0)["zac"] is not None  # rounds to day 91


def _weight_at_z(z: float, sex: int = 1, day: int = 400) -> float:
    l_, m_, s_ = load_table("wfa").lms_at(sex, day)
    sd3, sd2 = sd_value(3, l_, m_, s_), sd_value(2, l_, m_, s_)
    return sd3 + (z - 3) * (sd3 - sd2)


def test_flags_use_the_rounded_z() -> None:
    row = one(age_days=400, weight=_weight_at_z(5.004))
    assert row["zwei"] == 5.0 and row["fwei"] == 0 and row["zwei_unrounded"] > 5
    row = one(age_days=400, weight=_weight_at_z(5.006))
    assert row["zwei"] == 5.01 and row["fwei"] == 1


def test_round_z_is_pythons_round() -> None:
    rng = random.Random(7)
    values = [rng.uniform(-8, 8) for _ in range(20000)]
    values += [k / 1000 for k in range(-9000, 9000, 5)]  # every hundredth tie, as doubles
    values += [0.125, 0.375, 2.675, -0.005, 1.005, -2.345, 151833.625]
    got = round_z(np.array(values))
    assert got.tolist() == [round(v, 2) + 0.0 for v in values]
    assert math.copysign(1, round_z(np.array([-0.001]))[0]) == 1  # no "-0"


def test_single_child_rejects_invalid_input() -> None:
    with pytest.raises(ValueError, match="weight"):
        who2006.zscores_one(1, 100, weight=0)
    with pytest.raises(ValueError, match="age"):
        who2006.zscores_one(1, -1, weight=5)
    with pytest.raises(ValueError, match="sex"):
        who2006.zscores_one("x", 100, weight=5)
    with pytest.raises(ValueError, match="measure"):
        who2006.zscores_one(1, 100, lenhei=60, measure="s")
    with pytest.raises(ValueError, match="0.7"):
        who2006.zscores_one(1, 800, lenhei=0.5, measure="l")
    with pytest.raises(ValueError, match="height"):
        who2007.zscores_one(1, 100, height=-3)


def test_negative_age_in_a_column_blanks_the_row_with_a_reason() -> None:
    res = who2006.zscores([1, 1], [-1, 300], weight=[8, 8], lenhei=[70, 70], measure="ll")
    row = res.row(0)
    assert all(row[f"z{i}"] is None for i in who2006.INDICATORS)
    assert res.reasons(0) == [who2006.INVALID_MESSAGES["age_days"]]
    assert res.row(1)["zwfl"] is not None and res.reasons(1) == []


@pytest.mark.parametrize(
    ("age", "hfa", "wfa"),
    [(59.9, False, False), (60, True, True), (120, True, True), (120.01, True, False),
     (228, True, False), (228.01, False, False)],
)  # fmt: skip
def test_who2007_age_ranges(age: float, hfa: bool, wfa: bool) -> None:
    row = who2007.zscores_one(1, age, height=130.0, weight=25.0)
    assert (row["zhfa"] is not None) == hfa
    assert (row["zbfa"] is not None) == hfa
    assert (row["zwfa"] is not None) == wfa


def test_who2007_interpolates_between_months() -> None:
    tab = load_table("hfa_2007")
    (_, m0, s0), (_, m1, s1) = tab.lms_at(2, 100), tab.lms_at(2, 101)
    m_, s_ = m0 + 0.25 * (m1 - m0), s0 + 0.25 * (s1 - s0)
    row = who2007.zscores_one(2, 100.25, height=130.0)
    assert row["zhfa_unrounded"] == pytest.approx((130.0 / m_ - 1) / s_, abs=1e-12)


def test_dispatch_hands_over_at_60_months() -> None:
    assert zscores_one(1, 1826.2, weight=18, lenhei=110, measure="h")["reference"] == "who2006"
    older = zscores_one(1, 1826.25, weight=18, lenhei=110, measure="h")
    assert older["reference"] == "who2007" and older["zhfa"] is not None


def test_zero_age_and_integer_lists_are_values_not_blanks() -> None:
    row = who2006.zscores([1], [0], weight=[3]).row(0)
    assert row["zwei"] is not None
    res = who2006.zscores([1], [10], weight=[0])
    assert res.row(0)["zwei"] is None and res.invalid["weight"][0]
