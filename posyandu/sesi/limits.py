"""Hard limits of a measurement (versioned data in rules/batas_mutlak.json): values that cannot
be true (46 kg at 2 months, a length of 300 cm, a negative weight) are refused with a message
naming the allowed range. They sit far outside the WHO flag limits: an extreme value that can
be real is kept and flagged for re-measuring (plausibility.py), never refused here."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils.translation import get_language

from posyandu.core.numbers import format_decimal
from posyandu.core.rules import load_rule
from posyandu.sasaran.life_stage import months_label

FIELDS = ("berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm", "lingkar_perut_cm")


@cache
def rules() -> dict[str, Any]:
    return load_rule("sesi", "batas_mutlak").data


def version() -> str:
    return f"{rules()['id']}@{rules()['version']}"


@dataclass(frozen=True)
class Limit:
    field: str
    low: Decimal
    high: Decimal
    age_from: int
    age_to: int | None


@cache
def limit_for(field: str, umur_bulan: int, jenis_kelamin: str = "") -> Limit | None:
    """The band of `field` at this age (completed months) and sex; a row for the sex wins.
    Read once per field, age and sex (like the rule file, once per process)."""
    found: dict[bool, Limit] = {}
    for row in rules()["limits"]:
        low_age, high_age = row["umur_bulan"]
        if row["field"] != field or umur_bulan < low_age:
            continue
        if high_age is not None and umur_bulan > high_age:
            continue
        sex = row.get("jenis_kelamin")
        if sex is not None and sex != jenis_kelamin:
            continue
        found[sex is not None] = Limit(
            field, Decimal(str(row["min"])), Decimal(str(row["max"])), low_age, high_age
        )
    return found.get(True) or found.get(False)


def message(limit: Limit, value: Decimal, umur_bulan: int) -> str:
    """'Berat 46 kg tidak mungkin pada umur 2 bulan. Isi antara 0,5 dan 12 kg (ukur ulang
    jika perlu).'"""
    lang = "id" if (get_language() or "id").startswith("id") else "en"
    meta = rules()["fields"][limit.field]
    unit = meta["unit"]
    args = {
        "label": meta[f"label_{lang}"],
        "value": format_decimal(value, _places(value)),
        "unit": unit,
        "age": months_label(umur_bulan),
        "low": format_decimal(limit.low, _places(limit.low)),
        "high": format_decimal(limit.high, _places(limit.high)),
    }
    if lang == "id":
        text = (
            "{label} {value} {unit} tidak mungkin pada umur {age}. "
            "Isi nilai antara {low} dan {high} {unit}; periksa ketikan atau ukur ulang."
        )
    else:
        text = (
            "{label} {value} {unit} cannot be right at {age}. "
            "Enter a value between {low} and {high} {unit}; check the typing or measure again."
        )
    return text.format(**args)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def hard_limit_errors(
    values: dict[str, Any], *, umur_bulan: int, jenis_kelamin: str = ""
) -> dict[str, str]:
    """{field: message} for each value outside its hard limit at this age and sex."""
    errors = {}
    for field in FIELDS:
        raw = values.get(field)
        if raw in (None, ""):
            continue
        value = Decimal(str(raw))
        limit = limit_for(field, umur_bulan, jenis_kelamin)
        if limit is not None and not limit.low <= value <= limit.high:
            errors[field] = message(limit, value, umur_bulan)
    return errors


class MeasurementRefused(ValueError):
    """A value beyond the hard limits reached the write (forms and APIs check first)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors
