"""Writes of the Posyandu day: schedule, open/close a session, check-in (of someone new too),
measurements, services, education; joining two check-ins when two people are merged."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.services import Registration, sasaran_register
from posyandu.sesi.growth import GrowthResult, measurement_evaluate, result_of
from posyandu.sesi.models import Jadwal, Kunjungan, LayananDiberikan, Pengukuran, Penyuluhan, Sesi


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


@dataclass(frozen=True)
class Arrival:
    """Someone new at the Posyandu day: the registration (the person, or the likely
    duplicates to confirm first) and the check-in, or why it was refused."""

    registration: Registration
    kunjungan: Kunjungan | None = None
    checkin_error: str = ""


@transaction.atomic
def arrival_register(
    *,
    sesi: Sesi,
    among: QuerySet[Sasaran],
    not_a_duplicate: bool = False,
    consent: dict[str, Any] | None = None,
    by: Any = None,
    **fields: Any,
) -> Arrival:
    """Langkah 1 for someone not registered yet: register them at the session's Posyandu
    (unless they may be among `among`, the user's people, and the user has not confirmed)
    and check them in. A refused check-in (born after the session's date) leaves them
    registered: they come to the next session."""
    registration = sasaran_register(
        posyandu=sesi.posyandu,
        among=among,
        not_a_duplicate=not_a_duplicate,
        consent=consent,
        by=by,
        **fields,
    )
    if registration.person is None:
        return Arrival(registration)
    try:
        kunjungan = checkin(sesi=sesi, sasaran=registration.person)
    except CheckinError as error:
        return Arrival(registration, checkin_error=str(error))
    return Arrival(registration, kunjungan=kunjungan)


def checkins_merge(pk: int, field: str, keep: Sasaran) -> int:
    """Merging two people both checked in at one session (core.registry merge resolver):
    the duplicate check-in's measurements and services move to the kept person's check-in,
    then the duplicate is soft-deleted (nothing measured is lost). Returns rows moved (1)."""
    dup = Kunjungan.all_objects.get(pk=pk)
    target = Kunjungan.objects.get(sesi_id=dup.sesi_id, **{field: keep})
    for rel in Kunjungan._meta.related_objects:
        if rel.one_to_many:
            model = rel.field.model  # the model holding the foreign key (rel.related_model)
            manager = getattr(model, "all_objects", model._default_manager)
            manager.filter(**{rel.field.name: dup}).update(**{rel.field.name: target})
    Kunjungan.all_objects.filter(pk=pk).update(**{field: keep}, deleted_at=timezone.now())
    return 1


def _advance(kunjungan: Kunjungan, langkah: int) -> None:
    if kunjungan.langkah < langkah:
        kunjungan.langkah = langkah
        kunjungan.save(update_fields=["langkah"])


@transaction.atomic
def measurement_record(
    *,
    sasaran: Sasaran,
    tanggal: date,
    by: Any,
    sumber: str = Pengukuran.Sumber.POSYANDU,
    kunjungan: Kunjungan | None = None,
    public_id: UUID | None = None,
    **values: Any,
) -> GrowthResult:
    """Langkah 2-3 (and a measurement at home or from the API): compute and save it. A
    `public_id` already stored returns that measurement (a client retry never duplicates)."""
    if public_id is not None:
        existing = Pengukuran.objects.filter(public_id=public_id, sasaran=sasaran).first()
        if existing is not None:
            return result_of(existing)
    extra: dict[str, Any] = {"public_id": public_id} if public_id else {}
    result = measurement_evaluate(
        sasaran=sasaran,
        tanggal=tanggal,
        sumber=sumber,
        kunjungan=kunjungan,
        diukur_oleh=by if getattr(by, "is_authenticated", False) else None,
        **extra,
        **values,
    )
    result.pengukuran.save()
    if kunjungan is not None:
        _advance(kunjungan, 3)
    return result


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
