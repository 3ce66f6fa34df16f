"""`zscores_many` (one column computation for many children, as an import uses it) gives each
child exactly what `zscores_one` gives, across both references, and refuses the same input."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

import growthstandards as gs

COLUMNS = ("sex", "age_days", "weight", "lenhei", "measure", "headc", "muac", "oedema")


def _children(n: int) -> list[dict[str, Any]]:
    rnd = random.Random(20_260_916)  # noqa: S311 - test data
    out = []
    for _ in range(n):
        out.append(
            {
                "sex": rnd.choice([1, 2, "m", "f"]),
                "age_days": rnd.choice([0, 365.0, 1826, 1827, rnd.uniform(0, 6900)]),
                "weight": rnd.choice([None, round(rnd.uniform(2, 60), 2)]),
                "lenhei": rnd.choice([None, round(rnd.uniform(45, 180), 1)]),
                "measure": rnd.choice([None, "", "l", "h"]),
                "headc": rnd.choice([None, round(rnd.uniform(30, 55), 1)]),
                "muac": rnd.choice([None, round(rnd.uniform(8, 25), 1)]),
                "oedema": rnd.random() < 0.05,
            }
        )
    return out


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for k, x in a.items():
        y = b[k]
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        if x != y or type(x) is not type(y):
            return False
    return True


def test_many_equals_one_by_one() -> None:
    children = _children(3000)
    many = gs.zscores_many(*[[c[k] for c in children] for k in COLUMNS])
    assert {row["reference"] for row in many} == {"who2006", "who2007"}
    for child, row in zip(children, many, strict=True):
        assert _same(gs.zscores_one(**child), row), child


def test_many_refuses_what_one_refuses() -> None:
    with pytest.raises(ValueError, match="weight must be > 0"):
        gs.zscores_many([1, 2], [100, 200], weight=[9.0, -1.0])
    with pytest.raises(ValueError, match="age_days must be >= 0"):
        gs.zscores_many([1], [-3])
    with pytest.raises(ValueError, match="after the 0.7 cm adjustment"):
        gs.zscores_one(sex=1, age_days=800, lenhei=0.5, measure="l")
    assert gs.zscores_many([], []) == []
