"""SD curves for the growth charts."""

from __future__ import annotations

import numpy as np
import pytest

from growthstandards import INDICATOR_GRIDS, sd_curves, who2006, who2007


@pytest.mark.parametrize("indicator", sorted(INDICATOR_GRIDS))
def test_every_indicator_gives_ordered_curves(indicator: str) -> None:
    unit, first, last, step = INDICATOR_GRIDS[indicator]
    grid = np.linspace(first, last, 25)
    for sex in (1, 2):
        c = sd_curves(indicator, sex, grid)
        stack = np.vstack(
            [c[k] for k in ("SD3neg", "SD2neg", "SD1neg", "SD0", "SD1", "SD2", "SD3")]
        )
        assert np.all(np.isfinite(stack)) and np.all(np.diff(stack, axis=0) > 0)
        assert np.array_equal(c["SD0"], c["M"])


def test_curves_are_the_z_scores_inverse() -> None:
    days = np.arange(0, 1827, 50)
    c = sd_curves("wfa", 2, days)
    for k, key in ((-3, "SD3neg"), (-2, "SD2neg"), (2, "SD2"), (3, "SD3")):
        res06 = who2006.zscores(np.full(len(days), 2), days, weight=c[key])
        assert np.allclose(res06.z_unrounded["zwei"], k, atol=1e-9)
    months = np.linspace(60, 228, 30)
    c = sd_curves("bfa_2007", 1, months)
    res = who2007.zscores(np.ones(len(months)), months, height=np.full(len(months), 100.0),
                          weight=c["SD2neg"])  # BMI = weight at 1 m height  # fmt: skip
    assert np.allclose(res.z_unrounded["zbfa"], -2, atol=1e-9)


def test_months_grid_and_out_of_range() -> None:
    c = sd_curves("lhfa", 1, [0, 24, 61], unit="months")
    assert np.isfinite(c["SD0"][:2]).all() and np.isnan(c["SD0"][2])
    assert sd_curves("wfl", 1, [45.0])["SD0"][0] == 2.441
    interp = sd_curves("wfl", 1, [45.05])["M"][0]
    assert 2.441 < interp < 2.4577
    with pytest.raises(ValueError):
        sd_curves("xyz", 1, [1])
    with pytest.raises(ValueError):
        sd_curves("wfl", 3, [50])
