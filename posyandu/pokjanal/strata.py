"""Posyandu strata (Pratama / Madya / Purnama / Mandiri) from versioned rules."""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from posyandu.core.rules import load_rule

# What a Pokjanal member reads for an indicator code of the rules (held back by ...).
LABELS = {
    "frekuensi": _("weighing frequency"),
    "kader": _("kader on duty"),
    "ds": "D/S",
    "kia": _("KIA coverage"),
    "kb": _("KB coverage"),
    "imunisasi": _("immunization coverage"),
    "program_tambahan": _("additional programs"),
    "dana_sehat": _("dana sehat"),
}


def labels(codes: list[str]) -> list[str]:
    return [str(LABELS.get(code, code)) for code in codes]


@cache
def rules() -> dict[str, Any]:
    return load_rule("pokjanal", "strata").data


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

    def unmet(stratum: dict[str, Any], below: dict[str, Any]) -> list[str]:
        failed = [
            i
            for i, op, t in stratum["criteria"]
            if not _skipped(i, values) and not _met(values.get(i), op, t)
        ]
        if failed:
            return failed
        # A stratum is not reached on skipped criteria alone: what it adds over the one below
        # must be met from records (dana sehat alone cannot make a Purnama Posyandu Mandiri).
        added = [c for c in stratum["criteria"] if c not in below["criteria"]]
        if added and all(_skipped(i, values) for i, _op, _t in added):
            return [i for i, _op, _t in added]
        return []

    index = 0
    while index + 1 < len(strata) and not unmet(strata[index + 1], strata[index]):
        index += 1
    reached = strata[index]
    holding = unmet(strata[index + 1], reached) if index + 1 < len(strata) else []
    skipped = sorted({i for s in strata for i, _o, _t in s["criteria"] if _skipped(i, values)})
    return Result(reached["code"], reached["name"], holding, values, rules()["version"], skipped)
