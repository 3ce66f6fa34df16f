"""WHO SD curves (-3..+3 SD) of any indicator over a grid, for growth charts (KMS)."""

from __future__ import annotations

import numpy as np

from .lms import sd_value
from .tables import LmsTable, load_table
from .who2006 import DAYS_PER_MONTH, round_half_up_days
from .who2007 import interpolated_lms

SD_KEYS = {-3: "SD3neg", -2: "SD2neg", -1: "SD1neg", 0: "SD0", 1: "SD1", 2: "SD2", 3: "SD3"}

# indicator -> (grid unit, first, last, natural step); the WHO tables' own ranges.
INDICATOR_GRIDS: dict[str, tuple[str, float, float, float]] = {
    "wfa": ("days", 0, 1826, 1),
    "lhfa": ("days", 0, 1826, 1),
    "bfa": ("days", 0, 1826, 1),
    "hcfa": ("days", 0, 1826, 1),
    "acfa": ("days", 91, 1826, 1),
    "tsfa": ("days", 91, 1826, 1),
    "ssfa": ("days", 91, 1826, 1),
    "wfl": ("cm", 45, 110, 0.1),
    "wfh": ("cm", 65, 120, 0.1),
    "hfa_2007": ("months", 60, 228, 1),
    "wfa_2007": ("months", 60, 120, 1),
    "bfa_2007": ("months", 60, 228, 1),
}


def sd_curves(
    indicator: str,
    sex: int,
    grid: np.ndarray | list[float],
    unit: str | None = None,
) -> dict[str, np.ndarray]:
    """Curves at -3..+3 SD (keys ``SD3neg`` .. ``SD0`` .. ``SD3``) plus ``L``, ``M``, ``S``.

    ``grid`` is in the indicator's unit (``INDICATOR_GRIDS``): days for the WHO 2006 age
    indicators (looked up at the rounded day, like the z-scores; ``unit="months"`` converts
    months to days), cm for ``wfl``/``wfh`` (interpolated at 0.1 cm), months for the 2007
    indicators (interpolated between whole months). Outside a table's range: NaN.
    """
    if indicator not in INDICATOR_GRIDS:
        raise ValueError(f"unknown indicator {indicator!r}; known: {', '.join(INDICATOR_GRIDS)}")
    if sex not in (1, 2):
        raise ValueError(f"sex must be 1 or 2, got {sex!r}")
    native_unit, first, last, _ = INDICATOR_GRIDS[indicator]
    x = np.asarray(grid, dtype=np.float64)
    if unit == "months" and native_unit == "days":
        x = x * DAYS_PER_MONTH
    elif unit not in (None, native_unit):
        raise ValueError(f"{indicator} takes a grid in {native_unit}, not {unit}")
    inside = (x >= first) & (x <= last)
    sexes = np.full(x.shape, sex, dtype=np.int8)
    table = load_table(indicator)
    if native_unit == "days":
        l, m, s = _by_day(table, sexes, x, inside)  # noqa: E741
    elif native_unit == "cm":
        l, m, s = _by_tenth_cm(table, sexes, x, inside)  # noqa: E741
    else:
        l, m, s = interpolated_lms(table, sexes, x, inside)  # noqa: E741
    curves = {name: sd_value(k, l, m, s) for k, name in SD_KEYS.items()}
    return {"grid": np.asarray(grid, dtype=np.float64), "L": l, "M": m, "S": s, **curves}


def _by_day(
    table: LmsTable, sex: np.ndarray, days: np.ndarray, inside: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = table.flat_index(sex, round_half_up_days(days), inside)
    return table.l.take(idx), table.m.take(idx), table.s.take(idx)


def _by_tenth_cm(
    table: LmsTable, sex: np.ndarray, cm: np.ndarray, inside: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Same arithmetic as weight-for-length z: low/upp are whole tenths of a cm.
    low = np.trunc(cm * 10)
    upp = np.trunc(cm * 10 + 1)
    diff = (cm - low / 10) / 0.1
    i_low = table.flat_index(sex, low, inside)
    i_upp = table.flat_index(sex, upp, inside)
    out = []
    for col in (table.l, table.m, table.s):
        lo, up = col.take(i_low), col.take(i_upp)
        out.append(np.where(diff > 0, lo + diff * (up - lo), lo))
    return out[0], out[1], out[2]
