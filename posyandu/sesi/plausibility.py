"""Our plausibility rules for a child's measurement (versioned data in rules/plausibility.json).

A value that fires a rule is kept and marked `perlu_cek_ulang`; the kader is asked to measure
again. Nothing is dropped.
"""

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from posyandu.core.rules import load_rule
from posyandu.sesi.models import WHO_FLAG_FIELDS, Pengukuran

DAYS_PER_MONTH = 30.4375
STANDING_TO_LYING_CM = 0.7  # Permenkes 2/2020: lying length = standing height + 0.7 cm
WHO_FLAGS = WHO_FLAG_FIELDS


@cache
def rules() -> dict[str, Any]:
    return load_rule("sesi", "plausibility").data


def rules_version() -> str:
    return f"{rules()['id']}@{rules()['version']}"


# Which index a WHO flag is about (Permenkes 2/2020 abbreviations, the same in both languages).
FLAG_INDEX = {
    "fwei": "BB/U",
    "flen": "PB/U, TB/U",
    "fwfl": "BB/PB, BB/TB",
    "fbmi": "IMT/U",
    "fhc": "LK/U",
    "fac": "LiLA/U",
}


def label(code: str) -> str:
    """The Indonesian label of a reason code; a WHO flag names its index
    ("who_flag:fwei" -> "... (flag): BB/U"), so several flags are told apart."""
    base, _sep, detail = code.partition(":")
    rule = rules()["rules"].get(base)
    if rule is None:
        return code
    index = FLAG_INDEX.get(detail)
    return f"{rule['label_id']}: {index}" if index else rule["label_id"]


def _lying_equivalent(cm: float, cara_ukur: str) -> float:
    return cm + STANDING_TO_LYING_CM if cara_ukur == Pengukuran.CaraUkur.BERDIRI else cm


def implausible_reasons(
    *,
    tanggal: date,
    berat_kg: Decimal | float | None,
    tinggi_cm: Decimal | float | None,
    cara_ukur: str,
    flags: dict[str, Any],
    previous: Any = None,
) -> list[str]:
    """Codes of the rules that fire. `previous` is the last earlier measurement (any object
    with tanggal, berat_kg, tinggi_cm, cara_ukur), or None."""
    data = rules()["rules"]
    reasons = [f"who_flag:{f}" for f in WHO_FLAGS if flags.get(f)]
    if previous is None:
        return reasons
    days = (tanggal - previous.tanggal).days
    if not 0 < days <= rules()["window_days"]:
        return reasons
    months = max(days / DAYS_PER_MONTH, 1.0)
    if berat_kg is not None and previous.berat_kg is not None:
        before, now = float(previous.berat_kg), float(berat_kg)
        if now < before * (1 - data["bb_turun"]["max_loss_pct"] / 100):
            reasons.append("bb_turun")
        if now - before > data["bb_naik"]["max_gain_kg_per_month"] * months:
            reasons.append("bb_naik")
    if tinggi_cm is not None and previous.tinggi_cm is not None:
        before = _lying_equivalent(float(previous.tinggi_cm), previous.cara_ukur)
        now = _lying_equivalent(float(tinggi_cm), cara_ukur)
        if before - now > data["pb_turun"]["max_loss_cm"]:
            reasons.append("pb_turun")
        if now - before > data["pb_naik"]["max_gain_cm_per_month"] * months:
            reasons.append("pb_naik")
    return reasons
