"""The one screening mechanism: a definition in data, and pure functions that read it.

A definition (a JSON file in `definitions/`) names its questions (inputs: type, unit, valid
range, plausible range, options and scores), derived values (IMT, pack-years, score bands),
the score, and ordered categories with a condition each; the first category whose condition
holds is the result. `validate` turns raw form/API input into typed answers or errors;
`interpret` turns answers into a `Result` with the category, the action, whether to refer and
the reasons in words. No Django here: the same functions run in views, the API and reports.

Conditions: {"var": k, "op": "<"|"<="|">"|">="|"=="|"!="|"in", "value": v} or
{"all": [...]} / {"any": [...]}; a condition on a missing value is false.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import growthstandards as gs
from posyandu.core.numbers import NotANumber, parse_decimal
from posyandu.core.rules import load_rule

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
LEVELS = ("ok", "watch", "refer", "unclassified")
INPUT_TYPES = ("number", "integer", "boolean", "choice")
OPS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda a, b: a in b,
}


class DefinitionError(ValueError):
    """A definition file is inconsistent (a data error, caught by the tests)."""


@dataclass(frozen=True)
class InputError:
    key: str
    code: str  # required | not_a_number | not_an_integer | below_min | above_max | bad_choice
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    definition_id: str
    version: str
    category: str
    label: dict[str, str]
    level: str
    refer: bool
    action: dict[str, str]
    values: dict[str, Any]  # answers + derived values + score, JSON-safe
    reasons: list[str]  # the matched condition in words, e.g. "sistole 150 >= 140"
    warnings: list[str]  # implausible values kept and flagged, never dropped
    rule: str  # "<definition id>:<category code>", stored on referrals

    def to_json(self) -> dict[str, Any]:
        return {
            "definition_id": self.definition_id,
            "version": self.version,
            "category": self.category,
            "label": self.label,
            "level": self.level,
            "refer": self.refer,
            "action": self.action,
            "values": self.values,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "rule": self.rule,
        }


# -- loading ----------------------------------------------------------------------------------


@cache
def all_definitions() -> dict[tuple[str, str], dict[str, Any]]:
    """Every definition file, keyed by (id, version)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        rule = load_rule(DEFINITIONS_DIR, path.stem)  # the common header is checked there
        definition = {**rule.data, "citation": rule.citation()}
        check_definition(definition, path.name)
        key = (definition["id"], definition["version"])
        if key in found:
            raise DefinitionError(f"{path.name}: duplicate {key}")
        found[key] = definition
    defaults: dict[str, int] = {}
    for (def_id, _v), d in found.items():
        defaults[def_id] = defaults.get(def_id, 0) + bool(d.get("default"))
    for def_id, n in defaults.items():
        if n != 1:
            raise DefinitionError(f"{def_id}: {n} default versions; exactly one must be default")
    return found


def definition(def_id: str, version: str | None = None) -> dict[str, Any]:
    """A definition by id: the named version, or the default one."""
    defs = all_definitions()
    if version is not None:
        try:
            return defs[(def_id, version)]
        except KeyError:
            raise KeyError(f"no screening definition {def_id} version {version}") from None
    for (i, _v), d in defs.items():
        if i == def_id and d.get("default"):
            return d
    raise KeyError(f"no screening definition {def_id}")


def category_label(def_id: str, category: str, version: str | None = None) -> dict[str, str] | None:
    """The {"id", "en"} label of a definition's result category; None when the definition,
    that version of it or the category is unknown."""
    try:
        d = definition(def_id, version)
    except KeyError:
        return None
    found = next((c for c in d["categories"] if c["code"] == category), None)
    return found["label"] if found else None


def default_definitions() -> list[dict[str, Any]]:
    """The default version of every definition, in display order."""
    defs = [d for d in all_definitions().values() if d.get("default")]
    return sorted(defs, key=lambda d: (d.get("order", 50), d["id"]))


def check_definition(d: dict[str, Any], name: str = "") -> None:
    """Structural checks; every definition file passes them (tests load them all)."""
    where = name or d.get("id", "?")
    for key in ("id", "version", "source", "valid_from", "title", "inputs", "categories"):
        if key not in d:
            raise DefinitionError(f"{where}: missing {key!r}")
    date.fromisoformat(d["valid_from"])
    known = {"sex", "age_years", "age_months", "stage"} | set(d.get("context", []))
    for item in d["inputs"]:
        if item.get("type") not in INPUT_TYPES:
            raise DefinitionError(f"{where}: input {item.get('key')} has bad type")
        if item["type"] == "choice" and not item.get("options"):
            raise DefinitionError(f"{where}: choice {item['key']} has no options")
        known.add(item["key"])
    for item in d.get("derived", []):
        for arg in item.get("args", []):
            if arg not in known:
                raise DefinitionError(f"{where}: derived {item['key']} uses unknown {arg!r}")
        known.add(item["key"])
    if "score" in d:
        for term in d["score"]["sum"]:
            if term not in known:
                raise DefinitionError(f"{where}: score uses unknown {term!r}")
        known.add("score")
    known.add("flags")
    if not d["categories"] or d["categories"][-1].get("when") is not None:
        raise DefinitionError(f"{where}: the last category must have no condition (the rest)")
    for cat in d["categories"]:
        if cat.get("level") not in LEVELS:
            raise DefinitionError(f"{where}: category {cat.get('code')} has bad level")
        for var in _vars_of(cat.get("when")):
            if var not in known:
                raise DefinitionError(f"{where}: category {cat['code']} uses unknown {var!r}")
    for var in _vars_of(d.get("population", {}).get("when")):
        if var not in known:
            raise DefinitionError(f"{where}: population uses unknown {var!r}")


def _vars_of(cond: dict[str, Any] | None) -> list[str]:
    if cond is None:
        return []
    if "all" in cond or "any" in cond:
        return [v for c in cond.get("all", cond.get("any", [])) for v in _vars_of(c)]
    if cond.get("op") not in OPS:
        raise DefinitionError(f"bad operator in {cond}")
    return [cond["var"]]


# -- who is it for ------------------------------------------------------------------------


def applies_to(d: dict[str, Any], context: dict[str, Any], on: date | None = None) -> bool:
    """Whether the definition is for this person (age, sex, life stage, month, context)."""
    pop = d.get("population", {})
    months = context.get("age_months")
    if months is None:
        return False
    if pop.get("min_age_months") is not None and months < pop["min_age_months"]:
        return False
    if pop.get("max_age_months") is not None and months > pop["max_age_months"]:
        return False
    if pop.get("sex") and context.get("sex") != pop["sex"]:
        return False
    stage = context.get("stage")
    if pop.get("stages") and stage not in pop["stages"]:
        return False
    if stage in pop.get("exclude_stages", []):
        return False
    if on is not None and pop.get("months_of_year") and on.month not in pop["months_of_year"]:
        return False
    return pop.get("when") is None or _holds(pop["when"], context)


# -- validation ---------------------------------------------------------------------------


def validate(d: dict[str, Any], raw: dict[str, Any]) -> tuple[dict[str, Any], list[InputError]]:
    """Typed answers from raw input (form strings or JSON values), and what is wrong."""
    answers: dict[str, Any] = {}
    errors: list[InputError] = []
    for item in d["inputs"]:
        key = item["key"]
        value = raw.get(key)
        if isinstance(value, str):
            value = value.strip()
        if item["type"] == "boolean":
            if value in (None, ""):
                if item.get("required", True):
                    errors.append(InputError(key, "required"))
                continue
            answers[key] = value in (True, 1, "1", "true", "True", "on", "ya", "yes")
            continue
        if value in (None, ""):
            if item.get("required", True):
                errors.append(InputError(key, "required"))
            continue
        if item["type"] == "choice":
            options = {str(o["value"]): o["value"] for o in item["options"]}
            if str(value) not in options:
                errors.append(InputError(key, "bad_choice"))
                continue
            answers[key] = options[str(value)]
            continue
        try:
            number = parse_decimal(value)
        except NotANumber:
            number = None
        if number is None:  # blank after trimming counts as not a number, as before
            errors.append(InputError(key, "not_a_number"))
            continue
        if item["type"] == "integer":
            if number != number.to_integral_value():
                errors.append(InputError(key, "not_an_integer"))
                continue
            number_value: float | int = int(number)
        else:
            number_value = float(number)
        if item.get("min") is not None and number_value < item["min"]:
            errors.append(InputError(key, "below_min", {"min": item["min"], "unit": _u(item)}))
            continue
        if item.get("max") is not None and number_value > item["max"]:
            errors.append(InputError(key, "above_max", {"max": item["max"], "unit": _u(item)}))
            continue
        answers[key] = number_value
    return answers, errors


def _u(item: dict[str, Any]) -> str:
    return item.get("unit", "")


# -- interpretation -----------------------------------------------------------------------


def interpret(d: dict[str, Any], answers: dict[str, Any], context: dict[str, Any]) -> Result:
    """The result of one screening: pure, deterministic, from the definition alone."""
    values: dict[str, Any] = {**context, **answers}
    for item in d.get("derived", []):
        values[item["key"]] = _derive(item, values)
    flags = [i["key"] for i in d["inputs"] if i.get("flag_when") and _flagged(i, values)]
    values["flags"] = len(flags)
    if "score" in d:
        values["score"] = _score(d, values)
    warnings = []
    for item in d["inputs"]:
        lo, hi = item.get("plausible", (None, None))
        v = answers.get(item["key"])
        is_number = isinstance(v, int | float) and not isinstance(v, bool)
        if is_number and ((lo is not None and v < lo) or (hi is not None and v > hi)):
            warnings.append(item["key"])
    for cat in d["categories"]:
        if cat.get("when") is None or _holds(cat["when"], values):
            reasons = _explain(cat.get("when"), values)
            reasons += [f"{key}" for key in flags] if cat.get("explain_flags") else []
            shown = {k: v for k, v in values.items() if k not in context or k in answers}
            return Result(
                definition_id=d["id"],
                version=d["version"],
                category=cat["code"],
                label=cat["label"],
                level=cat["level"],
                refer=bool(cat.get("refer", cat["level"] == "refer")),
                action=cat.get("action", {}),
                values=shown,
                reasons=reasons,
                warnings=warnings,
                rule=f"{d['id']}:{cat['code']}",
            )
    raise DefinitionError(f"{d['id']}: no category matched")  # unreachable: last has no when


def _derive(item: dict[str, Any], v: dict[str, Any]) -> Any:
    args: list[Any] = [v.get(a) for a in item.get("args", [])]  # none is None past this check
    if any(a is None for a in args):
        return None
    op = item["op"]
    if op == "bmi":  # weight kg, height cm
        weight, height_cm = args
        result: Any = weight / (height_cm / 100) ** 2
    elif op == "pack_years":  # years smoked, cigarettes per day
        result = args[0] * args[1] / 20
    elif op == "map":
        result = item["map"].get(str(args[0]))
    elif op == "bands":  # first band containing the value: min <= x < below
        result = None
        for band in item["bands"]:
            if (
                (band.get("min") is None or args[0] >= band["min"])
                and (band.get("below") is None or args[0] < band["below"])
                and (band.get("max") is None or args[0] <= band["max"])
            ):
                result = band["value"]
                break
    elif op == "max":
        result = max(args)
    elif op == "growth":  # WHO 2007 IMT/U category from the growth engine (Permenkes 2/2020)
        result = _growth_category(item, *args)
    else:
        raise DefinitionError(f"unknown derived op {op!r}")
    if isinstance(result, float) and item.get("round") is not None:
        result = round(result + 0.0, item["round"])
    return result


def preview(d: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Derived values that need only the person (e.g. which vitamin A capsule), for the form."""
    values = dict(context)
    shown = {}
    for item in d.get("derived", []):
        if all(values.get(a) is not None for a in item.get("args", [])):
            values[item["key"]] = shown[item["key"]] = _derive(item, values)
    return shown


def _growth_category(
    item: dict[str, Any], sex: str, age_months: int, weight: float, height: float
) -> Any:
    z = gs.who2007_zscores_one(
        1 if sex == "L" else 2, float(age_months), height=height, weight=weight
    ).get("zbfa")
    if z is None or z != z:  # NaN: outside the reference
        return None
    category = gs.classify(item.get("index", "imt_u_5_18"), round(z, 2))
    return category.code if category else None


def _flagged(item: dict[str, Any], values: dict[str, Any]) -> bool:
    rule = item["flag_when"]
    return _holds({"var": item["key"], **rule}, values)


def _score(d: dict[str, Any], values: dict[str, Any]) -> float | int:
    inputs = {i["key"]: i for i in d["inputs"]}
    total: float | int = 0
    for key in d["score"]["sum"]:
        value = values.get(key)
        if value is None:
            continue
        item = inputs.get(key)
        if item and item["type"] == "choice":
            option = next(o for o in item["options"] if o["value"] == value)
            total += option.get("score", 0)
        elif isinstance(value, bool):
            total += int(value)
        else:
            total += value
    return total


def _holds(cond: dict[str, Any], values: dict[str, Any]) -> bool:
    if "all" in cond:
        return all(_holds(c, values) for c in cond["all"])
    if "any" in cond:
        return any(_holds(c, values) for c in cond["any"])
    value = values.get(cond["var"])
    if value is None:
        return False
    return bool(OPS[cond["op"]](value, cond["value"]))


def _explain(cond: dict[str, Any] | None, values: dict[str, Any]) -> list[str]:
    """The conditions that hold, in words (the reason shown beside the result)."""
    if cond is None:
        return []
    if "all" in cond:
        return [r for c in cond["all"] for r in _explain(c, values)]
    if "any" in cond:
        return [r for c in cond["any"] if _holds(c, values) for r in _explain(c, values)]
    if not _holds(cond, values):
        return []
    value = values.get(cond["var"])
    shown = "ya" if value is True else "tidak" if value is False else value
    target = cond["value"]
    target = "ya" if target is True else "tidak" if target is False else target
    return [f"{cond['var']} {shown} {cond['op']} {target}"]
