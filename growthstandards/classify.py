"""Nutritional status categories of Permenkes No. 2 Tahun 2020, from versioned data.

The cut-offs live in ``data/permenkes_2_2020.json`` (source, version, labels in Bahasa
Indonesia and English, bounds with their inclusiveness) so a Dinkes can review them without
reading code. Pass the rounded z-score the engine reports: like the WHO flags, categories
follow the value shown to the health worker (-2.004 is shown as -2.00 and is "normal").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

CLASSIFICATION_FILE = "permenkes_2_2020.json"
NO_CATEGORY = -1  # code in classify_array output for NA z-scores


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label_id: str
    label_en: str
    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool

    def contains(self, z: float) -> bool:
        if self.lower is not None and (
            z < self.lower or (z == self.lower and not self.lower_inclusive)
        ):
            return False
        return self.upper is None or z < self.upper or (z == self.upper and self.upper_inclusive)


@cache
def classification_table() -> dict[str, Any]:
    """The raw data file (id, version, source, indices)."""
    text = resources.files("growthstandards.data").joinpath(CLASSIFICATION_FILE).read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


@cache
def categories(index: str) -> tuple[Category, ...]:
    """Categories of one index: ``bb_u``, ``pb_tb_u``, ``bb_pb_tb``, ``imt_u_0_5``,
    ``imt_u_5_18``, ``lk_u``."""
    indices = classification_table()["indices"]
    if index not in indices:
        raise ValueError(f"unknown index {index!r}; known: {', '.join(indices)}")
    return tuple(Category(**c) for c in indices[index]["categories"])


def classify(index: str, z: float | None) -> Category | None:
    """The category of one z-score; ``None`` if z is missing."""
    if z is None or math.isnan(z):
        return None
    for cat in categories(index):
        if cat.contains(z):
            return cat
    raise AssertionError(f"categories of {index} leave a gap at z={z}")  # data error


def classify_array(index: str, z: np.ndarray) -> np.ndarray:
    """Category positions (0 = lowest band, see ``categories(index)``) for an array of
    z-scores; ``NO_CATEGORY`` (-1) where z is NaN."""
    z = np.asarray(z, dtype=np.float64)
    out = np.full(z.shape, NO_CATEGORY, dtype=np.int8)
    for pos, cat in enumerate(categories(index)):
        inside = ~np.isnan(z)
        if cat.lower is not None:
            inside &= (z >= cat.lower) if cat.lower_inclusive else (z > cat.lower)
        if cat.upper is not None:
            inside &= (z <= cat.upper) if cat.upper_inclusive else (z < cat.upper)
        out[inside] = pos
    return out
