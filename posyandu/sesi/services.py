"""Writes of the Posyandu day: schedule, open/close a session, check-in (of someone new too),
measurements, services, education; joining two check-ins when two people are merged."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.accounts.scope import may_correct
from posyandu.core.models import records_create, records_update
from posyandu.core.rules import load_rule
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.services import Registration, sasaran_register
from posyandu.sesi.growth import GrowthResult, measurements_evaluate, result_of
from posyandu.sesi.limits import MeasurementRefused, hard_limit_errors
from posyandu.sesi.models import Jadwal, Kunjungan, LayananDiberikan, Pengukuran, Penyuluhan, Sesi


def jadwal_set(*, posyandu: Posyandu, **fields: Any) -> Jadwal:
    jadwal, _created = Jadwal.objects.update_or_create(posyandu=posyandu, defaults=fields)
    return jadwal


class SessionDateError(ValueError):
    """A session date that is not a date, or further than a year from today (the message
    says which, in the user's language)."""


def session_date_check(tanggal: date, today: date | None = None) -> date:
    """The date itself when a session may be opened on it: within a year of today
    (rules/tanggal_sesi.json)."""
    today = today or timezone.localdate()
    bounds = load_rule("sesi", "tanggal_sesi").data
    first = today - timedelta(days=bounds["hari_sebelum_hari_ini"])
    last = today + timedelta(days=bounds["hari_sesudah_hari_ini"])
    if not first <= tanggal <= last:
        raise SessionDateError(
            gettext(
                "A Posyandu day can be opened from %(first)s to %(last)s (at most a year "
                "before or after today); %(date)s is outside that."
            )
            % {
                "first": first.strftime("%d-%m-%Y"),
                "last": last.strftime("%d-%m-%Y"),
                # strftime writes year 1 as "1"
                "date": f"{tanggal.day:02d}-{tanggal.month:02d}-{tanggal.year:04d}",
            }
        )
    return tanggal


def session_date_parse(raw: str, today: date | None = None) -> date:
    """A session date as posted (YYYY-MM-DD from a date input): empty, malformed or
    impossible (day 0 or 32, month 13) is refused, never replaced by today."""
    raw = (raw or "").strip()
    if not raw:
        raise SessionDateError(gettext("Enter the date of the Posyandu day."))
    try:
        tanggal = date.fromisoformat(raw)
    except ValueError:
        raise SessionDateError(
            gettext("%(value)s is not a valid date (day 1-31, month 1-12).") % {"value": raw}
        ) from None
    return session_date_check(tanggal, today)


def session_open(
    *, posyandu: Posyandu, tanggal: date, by: Any, public_id: UUID | None = None
) -> Sesi:
    """The session of that Posyandu and day, opened now if it does not exist yet; a date
    further than a year from today is refused (SessionDateError)."""
    existing = Sesi.objects.filter(posyandu=posyandu, tanggal=tanggal).first()
    if existing is not None:
        return existing
    session_date_check(tanggal)
    return Sesi.objects.create(
        **({"public_id": public_id} if public_id else {}),  # an offline client's id
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


def checkin(*, sesi: Sesi, sasaran: Sasaran, public_id: UUID | None = None) -> Kunjungan:
    """Langkah 1: the person is here. Checking in twice returns the first check-in. A person
    born after the session's date cannot have come (every age rule of the visit would fail)."""
    [done] = checkins([Checkin(sesi, sasaran, public_id)])
    if done.kunjungan is None:
        raise CheckinError(done.error)
    return done.kunjungan


@dataclass
class Checkin:
    """One check-in of `checkins`: asked with the session and person; answered with the
    visit (`created` when it is new) or why it was refused."""

    sesi: Sesi
    sasaran: Sasaran
    public_id: UUID | None = None  # an offline client's id
    kunjungan: Kunjungan | None = None
    created: bool = False
    error: str = ""


def checkin_refusal(sesi: Sesi, sasaran: Sasaran, today: date | None = None) -> str:
    """Why the person cannot be checked in to the session ("" when they can)."""
    if sesi.tanggal > (today or timezone.localdate()):
        # A planned day: measurements would carry its date while services carry today's.
        return gettext("This Posyandu day is on %(date)s; check people in from that day.") % {
            "date": sesi.tanggal.strftime("%d-%m-%Y")
        }
    if sasaran.tanggal_lahir > sesi.tanggal:
        return born_after_session_message(sasaran)
    return ""


@transaction.atomic
def checkins(wanted: Sequence[Checkin]) -> Sequence[Checkin]:
    """`checkin` of several people at once (an import): the existing check-ins in one query
    per 500 sessions, the new ones written together (core.models.records_create). Fills in
    each Checkin."""
    today = timezone.localdate()
    for w in wanted:
        w.error = checkin_refusal(w.sesi, w.sasaran, today)
    allowed = [w for w in wanted if not w.error]
    session_ids = sorted({w.sesi.pk for w in allowed})
    person_ids = {w.sasaran.pk for w in allowed}
    existing: dict[tuple[int, int], Kunjungan] = {}
    for start in range(0, len(session_ids), 500):
        rows = Kunjungan.objects.filter(sesi_id__in=session_ids[start : start + 500])
        if len(person_ids) <= 500:
            rows = rows.filter(sasaran_id__in=person_ids)
        for k in rows.order_by("pk"):
            if k.sasaran_id in person_ids:
                existing.setdefault((k.sesi_id, k.sasaran_id), k)
    new: list[Kunjungan] = []
    for w in allowed:
        key = (w.sesi.pk, w.sasaran.pk)
        if key not in existing:
            extra: dict[str, Any] = {"public_id": w.public_id} if w.public_id else {}
            existing[key] = Kunjungan(sesi=w.sesi, sasaran=w.sasaran, langkah=1, **extra)
            new.append(existing[key])
            w.created = True
        w.kunjungan = existing[key]
    records_create(new)
    return wanted


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
    _advance_all([kunjungan], langkah)


def _advance_all(visits: Iterable[Kunjungan | None], langkah: int) -> None:
    behind = {k.pk: k for k in visits if k is not None and k.langkah < langkah}
    for k in behind.values():
        k.langkah = langkah
    records_update(list(behind.values()), ["langkah"])


@dataclass(frozen=True)
class Reading:
    """One measurement to record (`measurements_record`): whose, when, the values as the
    form gives them (berat_kg, tinggi_cm, cara_ukur, ..., tanda_bahaya), and where."""

    sasaran: Sasaran
    tanggal: date
    values: dict[str, Any]
    sumber: str = Pengukuran.Sumber.POSYANDU
    kunjungan: Kunjungan | None = None
    public_id: UUID | None = None


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
    `public_id` already stored returns that measurement (a client retry never duplicates).
    A value beyond the hard limits (sesi.limits) raises MeasurementRefused."""
    reading = Reading(sasaran, tanggal, values, sumber, kunjungan, public_id)
    return measurements_record(readings=[reading], by=by)[0]


def measurements_record(*, readings: Sequence[Reading], by: Any) -> list[GrowthResult]:
    """`measurement_record` of several readings at once (an import): evaluated together
    (sesi.growth.measurements_evaluate: a person's readings oldest first, each looking back
    at the ones before it) and written together (core.models.records_create), so they end
    as if recorded one by one in date order. One reading beyond the hard limits refuses
    them all (MeasurementRefused): check first with sesi.limits.hard_limit_errors."""
    ids = [r.public_id for r in readings if r.public_id is not None]
    stored: dict[tuple[UUID, int], Pengukuran] = {}
    if ids:
        for p in Pengukuran.objects.filter(public_id__in=ids):
            stored[(p.public_id, p.sasaran_id)] = p
    results: list[GrowthResult | None] = [None] * len(readings)
    fresh: list[int] = []
    for i, r in enumerate(readings):
        found = stored.get((r.public_id, r.sasaran.pk)) if r.public_id else None
        if found is not None:
            results[i] = result_of(found)
            continue
        refused = hard_limit_errors(
            r.values,
            umur_bulan=completed_months(r.sasaran.tanggal_lahir, r.tanggal),
            jenis_kelamin=r.sasaran.jenis_kelamin,
        )
        if refused:  # forms and APIs refuse these first; nothing impossible is ever stored
            raise MeasurementRefused(refused)
        fresh.append(i)
    diukur_oleh = by if getattr(by, "is_authenticated", False) else None
    evaluated = measurements_evaluate(
        [
            {
                "sasaran": readings[i].sasaran,
                "tanggal": readings[i].tanggal,
                "sumber": readings[i].sumber,
                "kunjungan": readings[i].kunjungan,
                "diukur_oleh": diukur_oleh,
                **({"public_id": readings[i].public_id} if readings[i].public_id else {}),
                **readings[i].values,
            }
            for i in fresh
        ]
    )
    # Refused and evaluated before the writes: inside the caller's transaction they need no
    # savepoint, and a refusal leaves that transaction usable.
    with transaction.atomic(savepoint=False):
        records_create([result.pengukuran for result in evaluated])
        _advance_all((readings[i].kunjungan for i in fresh), 3)
    for i, result in zip(fresh, evaluated, strict=True):
        results[i] = result
    return [r for r in results if r is not None]


CONFIRM_REASON_MAX = 200


class ConfirmationError(ValueError):
    """A confirmation that cannot be made; the message is for the user."""


class ConfirmationRefused(ConfirmationError):
    """The user may not confirm this measurement (accounts.scope.may_correct)."""


@transaction.atomic
def measurement_confirm(*, pengukuran: Pengukuran, by: Any, reason: str) -> Pengukuran:
    """A flagged value (a WHO flag or a re-measure warning) is confirmed as true, with a
    reason: from now on the nutrition prevalence counts it (laporan.skdn); SKDN never
    depended on it. Who may: whoever may correct it (the person who entered it, the same
    day; the bidan or Puskesmas of the place any time). Saved through Record.save, so the
    audit event and the monthly aggregates follow."""
    if not may_correct(by, pengukuran):
        raise ConfirmationRefused(
            gettext(
                "Only the person who entered this measurement (on the same day) or the bidan "
                "or Puskesmas can confirm it."
            )
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ConfirmationError(
            gettext("Give the reason why the value is right (for example: measured again).")
        )
    if not pengukuran.perlu_cek_ulang:
        raise ConfirmationError(gettext("This measurement is not flagged: nothing to confirm."))
    if pengukuran.dikonfirmasi_pada is not None:
        raise ConfirmationError(gettext("This measurement is already confirmed."))
    pengukuran.dikonfirmasi_oleh = by if getattr(by, "is_authenticated", False) else None
    pengukuran.dikonfirmasi_pada = timezone.now()
    pengukuran.alasan_konfirmasi = reason[:CONFIRM_REASON_MAX]
    pengukuran.save()
    return pengukuran


def service_add(
    *, kunjungan: Kunjungan, jenis: str, keterangan: str = "", public_id: UUID | None = None
) -> LayananDiberikan:
    """Langkah 4. `public_id` may come from an offline client."""
    extra: dict[str, Any] = {"public_id": public_id} if public_id else {}
    row = LayananDiberikan.objects.create(
        kunjungan=kunjungan, jenis=jenis, keterangan=keterangan, **extra
    )
    _advance(kunjungan, 4)
    return row


def education_add(*, kunjungan: Kunjungan, topik: str, public_id: UUID | None = None) -> Penyuluhan:
    """Langkah 5. `public_id` may come from an offline client."""
    extra: dict[str, Any] = {"public_id": public_id} if public_id else {}
    row = Penyuluhan.objects.create(kunjungan=kunjungan, topik=topik, **extra)
    _advance(kunjungan, 5)
    return row
