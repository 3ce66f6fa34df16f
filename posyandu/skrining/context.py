"""What a definition may know about a person on a day: sex, age, life stage, latest weighing."""

from datetime import date, timedelta
from typing import Any

from posyandu.sasaran.life_stage import completed_months, life_stage_of
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran

# Measurement fields a definition input may be prefilled from (`"prefill": "<field>"`).
PREFILL_FIELDS = ("berat_kg", "tinggi_cm", "lila_cm", "lingkar_perut_cm", "sistole", "diastole")
# How old a weighing may be to decide PMT (T / gizi kurang): the last monthly weighing.
RECENT_WEIGHING = timedelta(days=45)


def person_context(sasaran: Sasaran, on: date) -> dict[str, Any]:
    months = completed_months(sasaran.tanggal_lahir, on)
    context: dict[str, Any] = {
        "sex": sasaran.jenis_kelamin,
        "age_months": months,
        "age_years": months // 12,
        "stage": str(life_stage_of(sasaran, on)),
        "status_bb": None,
        "gizi": None,
    }
    latest = _latest_measurement(sasaran, on)
    if latest is not None and latest.tanggal >= on - RECENT_WEIGHING:
        context["status_bb"] = latest.status_bb or None
        context["gizi"] = (latest.kategori or {}).get("bb_pb_tb")
    return context


def prefill(sasaran: Sasaran, on: date) -> dict[str, Any]:
    """Values measured today (langkah 2-3), read-only, to prefill screening inputs."""
    values: dict[str, Any] = {}
    for p in Pengukuran.objects.filter(sasaran=sasaran, tanggal=on).order_by("id"):
        for name in PREFILL_FIELDS:
            value = getattr(p, name)
            if value is not None:
                values[name] = float(value) if name not in ("sistole", "diastole") else value
    return values


def from_measurement(definition: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    """The inputs of `definition` that today's measurement already answers ({key: value}, from
    `prefill(...)`): the form shows them read-only and the record takes them from there, so a
    blood pressure saved in langkah 2 is not typed again."""
    return {
        item["key"]: measured[item["prefill"]]
        for item in definition["inputs"]
        if item.get("prefill") and measured.get(item["prefill"]) is not None
    }


def _latest_measurement(sasaran: Sasaran, on: date) -> Pengukuran | None:
    return (
        Pengukuran.objects.filter(sasaran=sasaran, tanggal__lte=on, berat_kg__isnull=False)
        .order_by("-tanggal", "-id")
        .first()
    )
