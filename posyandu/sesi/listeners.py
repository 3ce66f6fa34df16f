"""Stored growth results follow the facts they were computed from."""

from datetime import timedelta
from typing import Any

from posyandu.core.registry import register_record_listener
from posyandu.sesi.growth import INPUT_FIELDS, measurements_reevaluate
from posyandu.sesi.models import Pengukuran


def on_person(record: Any, created: bool) -> None:
    """A merge brings measurements over to the kept person; a corrected birth date or sex
    changes every z-score and category."""
    if created:
        return
    loaded = getattr(record, "_loaded", {}) or {}
    if record.digabung_ke_id and loaded.get("digabung_ke_id") != record.digabung_ke_id:
        measurements_reevaluate(record.digabung_ke)
    elif any(loaded.get(f) != getattr(record, f) for f in ("tanggal_lahir", "jenis_kelamin")):
        measurements_reevaluate(record)


def on_measurement(record: Any, created: bool) -> None:
    """A measurement entered, changed, moved or deleted before later ones: their N/T/O/B
    and plausibility checks looked at a different previous weighing."""
    loaded = getattr(record, "_loaded", {}) or {}
    watched = (*INPUT_FIELDS, "tanggal", "deleted_at")
    if not created and all(loaded.get(f) == getattr(record, f) for f in watched):
        return
    first = min(record.tanggal, loaded.get("tanggal") or record.tanggal)
    later = Pengukuran.objects.filter(sasaran_id=record.sasaran_id, tanggal__gt=first)
    if later.exists():
        measurements_reevaluate(record.sasaran, since=first + timedelta(days=1))


def register() -> None:
    register_record_listener("sasaran.Sasaran", on_person)
    register_record_listener("sesi.Pengukuran", on_measurement)
