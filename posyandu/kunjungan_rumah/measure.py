"""Measurements taken at home go through the Posyandu day's measurement write (sesi.services), so
they get the same z-scores, categories, N/T/O/B and plausibility flags, with
sumber=kunjungan_rumah."""

from datetime import date
from typing import Any

from posyandu.sasaran.models import Sasaran
from posyandu.sesi.corrections import ADD, measurement_record_again, same_day_measurement
from posyandu.sesi.models import Pengukuran

MEASUREMENT_FIELDS = ("berat_kg", "tinggi_cm", "cara_ukur", "lila_cm", "sistole", "diastole")


def has_values(values: dict[str, Any]) -> bool:
    return any(values.get(k) not in (None, "") for k in MEASUREMENT_FIELDS if k != "cara_ukur")


def measured_that_day(sasaran: Sasaran, tanggal: date) -> Pengukuran | None:
    """The person's measurement already recorded that day: the form then asks whether the new
    one replaces it, as the Posyandu day's visit form does."""
    return same_day_measurement(sasaran, tanggal)


def home_measurement_record(
    *, sasaran: Sasaran, tanggal: date, by: Any, values: dict[str, Any], same_day: str = ""
) -> Pengukuran:
    """`same_day`: "ganti" voids the day's earlier measurement (reason "diganti"), "tambah"
    or nothing keeps it (sesi.corrections.measurement_record_again)."""
    clean = {k: v for k, v in values.items() if k in MEASUREMENT_FIELDS and v not in (None, "")}
    result = measurement_record_again(
        choice=same_day or ADD,
        sasaran=sasaran,
        tanggal=tanggal,
        by=by,
        sumber=Pengukuran.Sumber.KUNJUNGAN_RUMAH,
        **clean,
    )
    return result.pengukuran
