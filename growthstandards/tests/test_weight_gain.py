"""KBM, N/T/O/B and 2T from hand-worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from growthstandards import (
    DEFAULT_KBM_VERSION,
    KBM_VERSIONS,
    kbm_grams,
    needs_referral,
    referral_reasons,
    series_status,
    weight_gain_status,
)


def test_versions_and_default() -> None:
    assert DEFAULT_KBM_VERSION == "buku_kia_2023"
    assert set(KBM_VERSIONS) == {"buku_kia_2023", "kms_2008_2010", "kkn_posyandu_tulip"}


@pytest.mark.parametrize(
    ("age", "kia", "kms", "kkn"),
    [(0, 800, 800, 800), (1, 800, 800, 800), (2, 900, 900, 900), (3, 800, 800, 600),
     (4, 600, 600, 600), (5, 500, 500, 500), (6, 400, 400, 400), (7, 300, 400, 300),
     (8, 300, 300, 300), (10, 300, 300, 300), (11, 300, 200, 200), (12, 200, 200, 200),
     (60, 200, 200, 200)],
)  # fmt: skip
def test_kbm_table(age: int, kia: int, kms: int, kkn: int) -> None:
    assert kbm_grams(age) == kia
    assert kbm_grams(age, "kms_2008_2010") == kms
    assert kbm_grams(age, "kkn_posyandu_tulip") == kkn


def test_kbm_outside_0_60_months() -> None:
    with pytest.raises(ValueError):
        kbm_grams(61)
    with pytest.raises(ValueError):
        kbm_grams(3, "no_such_version")


def status(
    now: float, prev: float, age: int, before: bool = True, version: str = DEFAULT_KBM_VERSION
) -> str:
    return str(weight_gain_status(now, prev, age, before, version)[0])


def test_n_t_at_the_kbm() -> None:
    assert status(6.5, 6.0, 5) == "N"  # +500 g = KBM 500
    assert status(6.49, 6.0, 5) == "T"  # +490 g
    assert status(7.8, 7.0, 3) == "N"  # 0.7999999999999998 kg is 800 g
    assert status(7.0, 7.2, 14) == "T"  # weight down
    assert status(7.65, 7.0, 3) == "T"  # +650 g < 800 (Buku KIA 2023)
    assert status(7.65, 7.0, 3, version="kkn_posyandu_tulip") == "N"  # 650 >= 600
    assert status(9.0, 8.65, 7) == "N"  # 350 >= 300
    assert status(9.0, 8.65, 7, version="kms_2008_2010") == "T"  # 350 < 400


def test_o_b_and_not_weighed() -> None:
    assert status(6.0, np.nan, 5, before=True) == "O"
    assert status(6.0, np.nan, 5, before=False) == "B"
    assert status(np.nan, 6.0, 5) == ""
    assert status(20.0, 19.0, 61) == ""  # no KBM after 60 months


def test_series_with_2t() -> None:
    got = series_status([None, 5.0, 5.6, None, 6.2, 6.3, 6.35, 6.6], [0, 1, 2, 3, 4, 5, 6, 7])
    assert got == [
        ("", False),  # not weighed
        ("B", False),  # first weighing
        ("T", False),  # +600 g at 2 months < 900
        ("", False),
        ("O", False),  # weighed, but not last month
        ("T", False),  # +100 g < 500
        ("T", True),  # +50 g < 400: second T in a row
        ("T", True),  # +250 g < 300 at 7 months: a third T is again 2T
    ]
    assert series_status([], []) == []


def test_vectorized_equals_series() -> None:
    now = np.array([5.0, 5.9, np.nan, 6.2])
    prev = np.array([np.nan, 5.0, 5.9, np.nan])
    out = weight_gain_status(now, prev, np.array([1, 2, 3, 4]), np.array([False, True, True, True]))
    assert out.tolist() == ["B", "N", "", "O"]


def test_referral() -> None:
    assert referral_reasons(True, -2.5) == ["2T"]
    assert referral_reasons(False, -3.01) == ["bb_u_below_-3sd"]
    assert referral_reasons(True, -3.5) == ["2T", "bb_u_below_-3sd"]
    assert referral_reasons(False, -3.0) == []
    assert referral_reasons(False, None) == []
    got = needs_referral(np.array([False, True, False]), np.array([-3.01, 0.0, np.nan]))
    assert got.tolist() == [True, True, False]
