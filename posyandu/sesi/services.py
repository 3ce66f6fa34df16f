"""Writes of the Posyandu day: schedule, open/close a session, check-in, services, education."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Jadwal, Kunjungan, LayananDiberikan, Penyuluhan, Sesi


def jadwal_set(*, posyandu: Posyandu, **fields: Any) -> Jadwal:
    jadwal, _created = Jadwal.objects.update_or_create(posyandu=posyandu, defaults=fields)
    return jadwal


def session_open(*, posyandu: Posyandu, tanggal: date, by: Any) -> Sesi:
    """The session of that Posyandu and day, opened now if it does not exist yet."""
    existing = Sesi.objects.filter(posyandu=posyandu, tanggal=tanggal).first()
    if existing is not None:
        return existing
    return Sesi.objects.create(
        posyandu=posyandu,
        tanggal=tanggal,
        dibuka_oleh=by if getattr(by, "is_authenticated", False) else None,
    )


def session_close(*, sesi: Sesi, kader_hadir: int, nakes_hadir: bool, catatan: str = "") -> Sesi:
    sesi.status = Sesi.Status.SELESAI
    sesi.kader_hadir, sesi.nakes_hadir, sesi.catatan = kader_hadir, nakes_hadir, catatan
    sesi.save()
    return sesi


class CheckinError(ValueError):
    pass


def born_after_session_message(sasaran: Sasaran) -> str:
    return gettext(
        "%(name)s was born after the date of this session and cannot be checked in to it."
    ) % {"name": sasaran.nama}


@transaction.atomic
def checkin(*, sesi: Sesi, sasaran: Sasaran) -> Kunjungan:
    """Langkah 1: the person is here. Checking in twice returns the first check-in. A person
    born after the session's date cannot have come (every age rule of the visit would fail)."""
    if sesi.tanggal > timezone.localdate():
        # A planned day: measurements would carry its date while services carry today's.
        raise CheckinError(
            gettext("This Posyandu day is on %(date)s; check people in from that day.")
            % {"date": sesi.tanggal.strftime("%d-%m-%Y")}
        )
    if sasaran.tanggal_lahir > sesi.tanggal:
        raise CheckinError(born_after_session_message(sasaran))
    found = Kunjungan.objects.filter(sesi=sesi, sasaran=sasaran).first()
    return found or Kunjungan.objects.create(sesi=sesi, sasaran=sasaran, langkah=1)


def _advance(kunjungan: Kunjungan, langkah: int) -> None:
    if kunjungan.langkah < langkah:
        kunjungan.langkah = langkah
        kunjungan.save(update_fields=["langkah"])


def service_add(*, kunjungan: Kunjungan, jenis: str, keterangan: str = "") -> LayananDiberikan:
    """Langkah 4."""
    row = LayananDiberikan.objects.create(kunjungan=kunjungan, jenis=jenis, keterangan=keterangan)
    _advance(kunjungan, 4)
    return row


def education_add(*, kunjungan: Kunjungan, topik: str) -> Penyuluhan:
    """Langkah 5."""
    row = Penyuluhan.objects.create(kunjungan=kunjungan, topik=topik)
    _advance(kunjungan, 5)
    return row
