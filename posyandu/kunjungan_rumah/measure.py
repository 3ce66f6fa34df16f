"""Measurements taken at home go through the Posyandu day's measurement write (sesi.services), so
they get the same z-scores, categories, N/T/O/B and plausibility flags, with
sumber=kunjungan_rumah."""

from datetime import date
from typing import Any

from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record

MEASUREMENT_FIELDS = ("berat_kg", "tinggi_cm", "cara_ukur", "lila_cm", "sistole", "diastole")


def has_values(values: dict[str, Any]) -> bool:
    return any(values.get(k) not in (None, "") for k in MEASUREMENT_FIELDS if k != "cara_ukur")


def home_measurement_record(
    *, sasaran: Sasaran, tanggal: date, by: Any, values: dict[str, Any]
) -> Pengukuran:
    clean = {k: v for k, v in values.items() if k in MEASUREMENT_FIELDS and v not in (None, "")}
    result = measurement_record(
        sasaran=sasaran,
        tanggal=tanggal,
        by=by,
        sumber=Pengukuran.Sumber.KUNJUNGAN_RUMAH,
        **clean,
    )
    return result.pengukuran
