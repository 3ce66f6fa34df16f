"""Every WHO anthro reference case: our engine against the WHO R package's own output."""

from __future__ import annotations

from typing import Any

import pytest

from growthstandards import who2006

from .conftest import number, read_rows

Z_COLUMNS = [f"z{i}" for i in who2006.INDICATORS]
FLAG_COLUMNS = [f"f{i}" for i in who2006.INDICATORS]
# zero_<field> rows: our rule makes these z-scores NA (the WHO package computes some).
ZERO_FIELD_NA = {
    "weight_kg": ("wei", "wfl", "bmi"),
    "lenhei_cm": ("len", "wfl", "bmi"),
    "headc_cm": ("hc",),
    "muac_cm": ("ac",),
    "triskin_mm": ("ts",),
    "subskin_mm": ("ss",),
}
ZERO_FIELD_CLEAN_NA = {"weight_kg": ("cbmi",), "lenhei_cm": ("clenhei", "cbmi")}
# (input row, expected row, our result row)
Case = tuple[dict[str, str], dict[str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    inputs = read_rows("anthro_input.csv")
    expected = read_rows("anthro_expected.csv")
    assert len(inputs) == len(expected) == 3019
    res = who2006.zscores(
        [r["sex"] for r in inputs],
        [r["age_days"] for r in inputs],
        weight=[r["weight_kg"] for r in inputs],
        lenhei=[r["lenhei_cm"] for r in inputs],
        measure=[r["measure"] for r in inputs],
        headc=[r["headc_cm"] for r in inputs],
        muac=[r["muac_cm"] for r in inputs],
        triskin=[r["triskin_mm"] for r in inputs],
        subskin=[r["subskin_mm"] for r in inputs],
        oedema=[r["oedema"] for r in inputs],
    )
    rows = []
    for i, (inp, exp) in enumerate(zip(inputs, expected, strict=True)):
        assert inp["id"] == exp["id"]
        rows.append((inp, exp, res.row(i)))
    return rows


def _regular(cases: list[Case]) -> list[Case]:
    return [(i, e, g) for i, e, g in cases if not i["case"].startswith("zero_")]


def test_rounded_z_and_flags_exact(cases: list[Case]) -> None:
    mismatches = [
        (inp["id"], col, exp[col], got[col])
        for inp, exp, got in _regular(cases)
        for col in Z_COLUMNS + FLAG_COLUMNS
        if number(exp[col]) != got[col]
    ]
    assert mismatches == []


def test_unrounded_z_within_1e_9(cases: list[Case]) -> None:
    worst = 0.0
    for inp, exp, got in _regular(cases):
        for col in Z_COLUMNS:
            want, have = number(exp[f"{col}_unrounded"]), got[f"{col}_unrounded"]
            assert (want is None) == (have is None), (inp["id"], col, want, have)
            if want is not None:
                worst = max(worst, abs(want - have))
    assert worst < 1e-9


def test_cleaned_columns(cases: list[Case]) -> None:
    for inp, exp, got in _regular(cases):
        assert (got["cmeasure"] or "") == exp["cmeasure"], inp["id"]
        assert got["c9mo_flag"] == int(exp["c9mo_flag"]), inp["id"]
        assert got["csex"] == number(exp["csex"]), inp["id"]
        for col in ("clenhei", "cbmi"):
            want, have = number(exp[col]), got[col]
            assert (want is None) == (have is None), (inp["id"], col)
            if want is not None:
                # R prints 15 significant digits
                assert have == pytest.approx(want, rel=1e-13), (inp["id"], col)


def test_zero_measurements_are_na_everything_else_as_who(cases: list[Case]) -> None:
    zero_rows = [(i, e, g) for i, e, g in cases if i["case"].startswith("zero_")]
    assert len(zero_rows) == 12
    for inp, exp, got in zero_rows:
        field = inp["case"].removeprefix("zero_")
        na = ZERO_FIELD_NA[field]
        for ind in who2006.INDICATORS:
            if ind in na:
                assert got[f"z{ind}"] is None and got[f"f{ind}"] is None, (inp["id"], ind)
            else:
                assert got[f"z{ind}"] == number(exp[f"z{ind}"]), (inp["id"], ind)
                assert got[f"f{ind}"] == number(exp[f"f{ind}"]), (inp["id"], ind)
        for col in ZERO_FIELD_CLEAN_NA.get(field, ()):
            assert got[col] is None, (inp["id"], col)


def test_zero_rows_differ_from_who_only_where_documented(cases: list[Case]) -> None:
    """The WHO package computes zwfl for weight 0 and zbmi for length 0; we don't."""
    differing = set()
    for inp, exp, got in cases:
        if inp["case"].startswith("zero_"):
            for ind in who2006.INDICATORS:
                if number(exp[f"z{ind}"]) != got[f"z{ind}"]:
                    differing.add((inp["case"], ind))
    assert differing == {("zero_weight_kg", "wfl"), ("zero_lenhei_cm", "bmi")}


def test_invalid_rows_carry_reasons() -> None:
    res = who2006.zscores([1, 1], [100, 100], weight=[0, 6.0], lenhei=[60, -1])
    assert res.reasons(0) == [who2006.INVALID_MESSAGES["weight"]]
    assert res.reasons(1) == [who2006.INVALID_MESSAGES["lenhei"]]
    assert res.invalid["weight"].tolist() == [True, False]
