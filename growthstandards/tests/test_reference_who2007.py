"""Every WHO anthroplus reference case."""

from __future__ import annotations

import pytest

from growthstandards import who2007

from .conftest import number, read_rows


def test_all_reference_cases() -> None:
    inputs = read_rows("anthroplus_input.csv")
    expected = read_rows("anthroplus_expected.csv")
    assert len(inputs) == len(expected) == 75
    res = who2007.zscores(
        [r["sex"] for r in inputs],
        [r["age_months"] for r in inputs],
        height=[r["height_cm"] for r in inputs],
        weight=[r["weight_kg"] for r in inputs],
        oedema=[r["oedema"] for r in inputs],
    )
    for i, (inp, exp) in enumerate(zip(inputs, expected, strict=True)):
        got = res.row(i)
        assert inp["id"] == exp["id"]
        assert got["csex"] == number(exp["csex"])
        assert got["coedema"] == exp["coedema"]
        if exp["age_in_months"]:  # R writes 15 significant digits
            assert got["age_in_months"] == pytest.approx(float(exp["age_in_months"]), rel=1e-14)
        for ind in who2007.INDICATORS:
            assert got[f"z{ind}"] == number(exp[f"z{ind}"]), (inp["id"], ind)
            assert got[f"f{ind}"] == number(exp[f"f{ind}"]), (inp["id"], ind)
            want = number(exp[f"z{ind}_unrounded"])
            have = got[f"z{ind}_unrounded"]
            assert (want is None) == (have is None), (inp["id"], ind)
            if want is not None:
                assert abs(want - have) < 1e-9, (inp["id"], ind)
        if exp["cbmi"]:
            assert abs(got["cbmi"] - float(exp["cbmi"])) < 1e-9
