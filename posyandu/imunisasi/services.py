"""Writes for immunization: record a dose (given here or reported from elsewhere)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.sasaran.models import Sasaran

TD = "Td"  # tetanus-diphtheria dose of a woman of childbearing age; may repeat (T1-T5)


class DoseError(ValueError):
    pass


def known_codes() -> set[str]:
    bias = schedule._load("bias.json")["variants"]
    codes = {d["code"] for d in schedule.doses()} | {TD}
    return codes | {d["code"] for v in bias.values() for d in v["doses"]}


@transaction.atomic
def dose_record(
    *,
    sasaran: Sasaran,
    vaksin: str,
    tanggal: date,
    by: Any,
    tempat: str = Imunisasi.Tempat.POSYANDU,
    diberikan_di_sini: bool = True,
    nama_tempat: str = "",
    batch: str = "",
    kunjungan: Any = None,
    today: date | None = None,
) -> Imunisasi:
    if vaksin not in known_codes():
        raise DoseError(_("Unknown vaccine dose: %(code)s.") % {"code": vaksin})
    if tanggal < sasaran.tanggal_lahir:
        raise DoseError(_("The date given is before the date of birth."))
    if tanggal > (today or timezone.localdate()):
        raise DoseError(_("The date given is in the future."))
    if tempat not in Imunisasi.Tempat.values:
        raise DoseError(_("Choose where the dose was given."))
    if vaksin != TD and Imunisasi.objects.filter(sasaran=sasaran, vaksin=vaksin).exists():
        raise DoseError(_("This dose is already recorded."))
    return Imunisasi.objects.create(
        sasaran=sasaran,
        vaksin=vaksin,
        tanggal=tanggal,
        tempat=tempat,
        diberikan_di_sini=diberikan_di_sini,
        nama_tempat=nama_tempat.strip(),
        batch=batch.strip(),
        kunjungan=kunjungan,
        dicatat_oleh=by if getattr(by, "is_authenticated", False) else None,
        jadwal_versi=schedule.schedule()["version"],
    )
