"""Posyandu strata (Pratama / Madya / Purnama / Mandiri) from versioned rules."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

RULES = Path(__file__).parent / "rules" / "strata.json"


@cache
def rules() -> dict[str, Any]:
    return json.loads(RULES.read_text(encoding="utf-8"))


def _met(value: Any, op: str, threshold: Any) -> bool:
    if value is None:
        return False
    if op == ">=":
        return value >= threshold
    if op == "==":
        return value == threshold
    raise ValueError(f"unknown operator {op!r}")


@dataclass(frozen=True)
class Result:
    code: str
    name: str
    holding_back: list[str]  # indicators unmet for the next stratum
    values: dict[str, Any]
    version: str
    not_recorded: list[str] = field(default_factory=list)  # criteria skipped: no data source


def _skipped(indicator: str, values: dict[str, Any]) -> bool:
    """A criterion on an indicator no record can answer yet is skipped while it is null."""
    return indicator in rules().get("not_recorded", []) and values.get(indicator) is None


def classify(values: dict[str, Any]) -> Result:
    """The highest stratum whose criteria all hold (strata are ordered low to high)."""
    strata = rules()["strata"]

    def unmet(stratum: dict[str, Any]) -> list[str]:
        return [
            i
            for i, op, t in stratum["criteria"]
            if not _skipped(i, values) and not _met(values.get(i), op, t)
        ]

    reached = strata[0]
    for stratum in strata[1:]:
        if unmet(stratum):
            break
        reached = stratum
    index = strata.index(reached)
    holding = unmet(strata[index + 1]) if index + 1 < len(strata) else []
    skipped = sorted({i for s in strata for i, _o, _t in s["criteria"] if _skipped(i, values)})
    return Result(reached["code"], reached["name"], holding, values, rules()["version"], skipped)
