"""From the records to the mapping's inputs: which encounters exist and what each holds.

An encounter is one person on one day in one setting: a Posyandu day (`posyandu`, class FLD:
check-in, measurements, doses given, referrals made there), a home visit (`kunjungan_rumah`,
class HH) or a measurement at the Puskesmas (`faskes`, class AMB). Its local identifier is
`<person public id>.<yyyymmdd>.<class>`, so it does not depend on which record came first.
A dose copied from the Buku KIA (not given here) is sent on its own, without an encounter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.kunjungan_rumah.models import AnggotaDikunjungi
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.satusehat import ids
from posyandu.satusehat.fhir import inputs as fi
from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.patient import Unmappable
from posyandu.sesi.models import Jadwal, Kunjungan, Pengukuran

ENCOUNTER, IMUNISASI = "encounter", "imunisasi"
POSYANDU, RUMAH, FASKES = "posyandu", "kunjungan_rumah", "faskes"
CLASS_CODE = {POSYANDU: "FLD", RUMAH: "HH", FASKES: "AMB"}


@dataclass(frozen=True)
class Key:
    """What one outbox item / one exported file is about."""

    jenis: str
    sasaran_id: int
    tanggal: date
    kelas: str = ""
    imunisasi_id: int | None = None


@dataclass
class Parts:
    """The records of one key."""

    kunjungan: list[Kunjungan] = field(default_factory=list)
    anggota: list[AnggotaDikunjungi] = field(default_factory=list)
    pengukuran: list[Pengukuran] = field(default_factory=list)
    imunisasi: list[Imunisasi] = field(default_factory=list)
    rujukan: list[Rujukan] = field(default_factory=list)


@dataclass(frozen=True)
class Mapped:
    key: Key
    kunci: str  # the local identifier
    sasaran: Sasaran
    puskesmas: Puskesmas
    isi: fi.Isi
    ctx: fi.Context


def unverified_codes() -> bool:
    return bool(getattr(settings, "SATUSEHAT_UNVERIFIED_CODES", False))


def kunci(key: Key, person: Sasaran, imunisasi: Imunisasi | None = None) -> str:
    if key.jenis == IMUNISASI:
        assert imunisasi is not None
        return str(imunisasi.public_id)
    return f"{person.public_id}.{key.tanggal:%Y%m%d}.{CLASS_CODE[key.kelas]}"


# --- which keys a record touches (also used by the outbox listeners) ----------------------


def measurement_class(sumber: str) -> str:
    return {"posyandu": POSYANDU, "kunjungan_rumah": RUMAH}.get(sumber, FASKES)


def key_of_measurement(sasaran_id: int, tanggal: date, sumber: str) -> Key:
    return Key(ENCOUNTER, sasaran_id, tanggal, measurement_class(sumber))


def key_of_dose(dose: Imunisasi | Any, sasaran_id: int, tanggal: date, here: bool) -> Key:
    if here:
        return Key(ENCOUNTER, sasaran_id, tanggal, POSYANDU)
    return Key(IMUNISASI, sasaran_id, tanggal, "", dose.pk)


def key_of_referral(sasaran_id: int, tanggal: date, asal: str) -> Key:
    return Key(ENCOUNTER, sasaran_id, tanggal, RUMAH if asal == "kunjungan_rumah" else POSYANDU)


# --- gathering records --------------------------------------------------------------------


def gather(
    people: Iterable[int], first: date, last: date, *, deleted_too: bool = False
) -> dict[Key, Parts]:
    """The records of `people` dated first..last, grouped by key. `deleted_too`: also the
    soft-deleted ones (sent before, to be withdrawn as entered-in-error)."""
    people = list(people)
    found: dict[Key, Parts] = defaultdict(Parts)

    def manager(model: Any) -> Any:
        return model.all_objects if deleted_too else model.objects

    for k in (
        manager(Kunjungan)
        .filter(sasaran_id__in=people, sesi__tanggal__range=(first, last))
        .select_related("sesi__posyandu", "sesi__dibuka_oleh")
    ):
        if k.deleted_at is None:  # a check-in cancelled has nothing to withdraw
            found[Key(ENCOUNTER, k.sasaran_id, k.sesi.tanggal, POSYANDU)].kunjungan.append(k)
    for a in (
        manager(AnggotaDikunjungi)
        .filter(sasaran_id__in=people, kunjungan__tanggal__range=(first, last))
        .select_related("kunjungan__posyandu", "kunjungan__petugas")
    ):
        if a.deleted_at is None and a.kunjungan.deleted_at is None:
            found[Key(ENCOUNTER, a.sasaran_id, a.kunjungan.tanggal, RUMAH)].anggota.append(a)
    for p in manager(Pengukuran).filter(sasaran_id__in=people, tanggal__range=(first, last)):
        found[key_of_measurement(p.sasaran_id, p.tanggal, p.sumber)].pengukuran.append(p)
    for d in manager(Imunisasi).filter(sasaran_id__in=people, tanggal__range=(first, last)):
        found[key_of_dose(d, d.sasaran_id, d.tanggal, d.diberikan_di_sini)].imunisasi.append(d)
    for r in (
        manager(Rujukan)
        .filter(sasaran_id__in=people, tanggal__range=(first, last))
        .select_related("tujuan_puskesmas", "tujuan_pustu")
    ):
        found[key_of_referral(r.sasaran_id, r.tanggal, r.asal)].rujukan.append(r)
    return dict(found)


def keys_in(people: Iterable[int], first: date, last: date) -> list[Key]:
    return sorted(gather(people, first, last), key=_order)


def _order(key: Key) -> tuple[Any, ...]:
    return (key.sasaran_id, key.tanggal, key.jenis, key.kelas, key.imunisasi_id or 0)


# --- building the inputs ------------------------------------------------------------------


class Facts:
    """Lookups shared by many keys (one export batch): facility ids, IHS numbers, schedules."""

    def __init__(self, people: dict[int, Sasaran]) -> None:
        self.people = people
        self.org_ids = ids.many(ids.ORGANIZATION)
        self.location_ids = ids.many(ids.LOCATION)
        self.ihs = ids.many(ids.PATIENT, [str(p.public_id) for p in people.values()])
        self.practitioners = ids.many(ids.PRACTITIONER)
        posyandu_ids = {p.posyandu_id for p in people.values()}
        self.jadwal = {
            j.posyandu_id: j.jam_mulai for j in Jadwal.objects.filter(posyandu_id__in=posyandu_ids)
        }
        self.twins = _twins(people.values())
        self.td_doses: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for sid, day, pk in (
            Imunisasi.objects.filter(sasaran_id__in=list(people), vaksin="Td")
            .order_by("tanggal", "id")
            .values_list("sasaran_id", "tanggal", "id")
        ):
            self.td_doses[sid].append((day, pk))
        self.unverified = unverified_codes()

    def zone(self, desa_kode: str) -> ZoneInfo:
        tz = terminology.time_zones().data
        return ZoneInfo(tz["provinsi"].get(desa_kode[:2], tz["bawaan"]))

    def opening(self, posyandu: Posyandu, day: date) -> datetime:
        spec = terminology.terms().data["encounter"]
        at = self.jadwal.get(posyandu.pk) or time.fromisoformat(spec["jam_mulai_bawaan"])
        return datetime.combine(day, at, tzinfo=self.zone(posyandu.desa_id))


def _twins(people: Iterable[Sasaran]) -> dict[int, int]:
    """multipleBirthInteger of babies registered by their mother's NIK: 0 for a single birth,
    else their order among the babies of that mother born that day."""
    mothers = {p.nik_ibu for p in people if not p.nik and p.nik_ibu}
    if not mothers:
        return {}
    born: dict[tuple[str, date], list[int]] = defaultdict(list)
    for pk, nik_ibu, birth in (
        Sasaran.objects.filter(nik_ibu__in=mothers, nik__isnull=True)
        .exclude(status="digabung")
        .order_by("id")
        .values_list("id", "nik_ibu", "tanggal_lahir")
    ):
        born[(nik_ibu, birth)].append(pk)
    return {pk: i + 1 for group in born.values() if len(group) > 1 for i, pk in enumerate(group)}


def pasien(person: Sasaran, facts: Facts) -> fi.Pasien:
    mother = person.ibu if person.ibu_id else None
    nik_ibu = person.nik_ibu or (mother.nik if mother is not None and mother.nik else "")
    household = person.keluarga
    return fi.Pasien(
        lokal=str(person.public_id),
        nama=person.nama,
        jenis_kelamin=person.jenis_kelamin,
        tanggal_lahir=person.tanggal_lahir,
        nik=person.nik or "",
        nik_ibu=nik_ibu or "",
        kelahiran_ke=facts.twins.get(person.pk, 0),
        meninggal=person.status == Sasaran.Status.MENINGGAL,
        telepon=person.telepon,
        alamat=fi.Alamat(
            desa_kode=person.desa_id,
            baris=household.alamat if household else "",
            rt=person.rt or (household.rt if household else ""),
            rw=person.rw or (household.rw if household else ""),
        ),
        ihs=facts.ihs.get(str(person.public_id), "") or person.satusehat_ihs,
    )


def _ukur(p: Pengukuran, when: datetime) -> fi.Ukur:
    return fi.Ukur(
        lokal=str(p.public_id),
        waktu=when,
        berat_kg=p.berat_kg,
        tinggi_cm=p.tinggi_cm,
        cara_ukur=p.cara_ukur,
        umur_hari=p.umur_hari,
        lingkar_kepala_cm=p.lingkar_kepala_cm,
        lila_cm=p.lila_cm,
        lingkar_perut_cm=p.lingkar_perut_cm,
        sistole=p.sistole,
        diastole=p.diastole,
        zwei=p.zwei,
        fwei=p.fwei,
        zlen=p.zlen,
        flen=p.flen,
        dibatalkan=p.deleted_at is not None,
    )


def dose_number(d: Imunisasi, facts: Facts) -> int:
    if d.vaksin == "Td":
        order = [pk for _, pk in facts.td_doses.get(d.sasaran_id, [])]
        return order.index(d.pk) + 1 if d.pk in order else len(order) + 1
    spec = terminology.vaccines().data["dosis"].get(d.vaksin, {})
    if "dosis" in spec:
        return int(spec["dosis"])
    try:
        return int(schedule.dose(d.vaksin)["dose"])
    except KeyError:
        return 1


def timing(d: Imunisasi, birth: date) -> str:
    """IM-Ideal when given by the end of its due window of the schedule, else IM-Kejar
    (catch-up); "" for doses outside the routine schedule (BIAS, Td)."""
    try:
        spec = schedule.dose(d.vaksin)
    except KeyError:
        return ""
    return "IM-Ideal" if d.tanggal <= schedule.add_offset(birth, spec["due_until"]) else "IM-Kejar"


def _vaksinasi(
    d: Imunisasi, when: datetime, facts: Facts, person: Sasaran, loc: tuple[str, str]
) -> fi.Vaksinasi:
    return fi.Vaksinasi(
        lokal=str(d.public_id),
        dosis_kode=d.vaksin,
        waktu=when,
        dosis_ke=dose_number(d, facts),
        waktu_kode=timing(d, person.tanggal_lahir),
        sumber_primer=d.diberikan_di_sini,
        batch=d.batch,
        location_id=loc[0] if d.diberikan_di_sini else "",
        lokasi_nama=loc[1] if d.diberikan_di_sini else "",
        dibatalkan=d.deleted_at is not None,
    )


def _rujuk(r: Rujukan, when: datetime, zone: ZoneInfo) -> fi.Rujuk:
    answered = None
    if r.tanggal_umpan_balik:
        answered = max(when, datetime.combine(r.tanggal_umpan_balik, time(12), tzinfo=zone))
    return fi.Rujuk(
        lokal=str(r.public_id),
        waktu=when,
        alasan=r.alasan,
        status=r.status,
        tujuan_nama=(r.tujuan_pustu or r.tujuan_puskesmas).nama,
        hasil=r.hasil,
        umpan_balik=r.umpan_balik,
        saran_kader=r.saran_kader,
        waktu_umpan_balik=answered,
        dibatalkan=r.deleted_at is not None,
    )


def build(key: Key, parts: Parts, facts: Facts) -> Mapped:
    """The mapping inputs of one key; raises Unmappable with the reason in Indonesian."""
    person = facts.people[key.sasaran_id]
    pas = pasien(person, facts)
    if not pas.nik and not pas.nik_ibu:
        raise Unmappable("Tidak ada NIK dan tidak ada NIK ibu.")
    posyandu = person.posyandu
    user = None
    if parts.kunjungan:
        posyandu = parts.kunjungan[0].sesi.posyandu
        user = parts.kunjungan[0].sesi.dibuka_oleh
    elif parts.anggota:
        posyandu = parts.anggota[0].kunjungan.posyandu
        user = parts.anggota[0].kunjungan.petugas
    puskesmas = posyandu.puskesmas
    org_id = ids.organization_id(puskesmas, facts.org_ids)
    if not org_id:
        raise Unmappable(f"{puskesmas.nama} belum punya id organisasi SATUSEHAT.")
    ctx = fi.Context(org_id=org_id, unverified=facts.unverified)
    zone = facts.zone(posyandu.desa_id)
    start = facts.opening(posyandu, key.tanggal)
    if parts.kunjungan:
        checked_in = parts.kunjungan[0].created_at.astimezone(zone)
        if checked_in.date() == key.tanggal and checked_in > start:
            start = checked_in
    spec = terminology.terms().data["encounter"]
    served = start + timedelta(minutes=spec["dilayani_setelah_menit"])
    end = start + timedelta(minutes=spec["durasi_menit"])
    site: Any = puskesmas if key.kelas == FASKES else posyandu
    location_id = ids.location_id(site, facts.location_ids)
    if key.jenis == IMUNISASI:
        dose = parts.imunisasi[0]
        isi = fi.Isi(pas, None, vaksinasi=[_vaksinasi(dose, start, facts, person, ("", ""))])
        return Mapped(key, kunci(key, person, dose), person, puskesmas, isi, ctx)
    if not location_id:
        raise Unmappable(f"{site.nama} belum punya id lokasi SATUSEHAT.")
    practitioner = ""
    if user is not None:
        practitioner = facts.practitioners.get(f"user:{user.pk}", "")
    encounter = fi.Kunjungan(
        lokal=kunci(key, person),
        kelas=key.kelas,
        mulai=start,
        dilayani=served,
        selesai=end,
        location_id=location_id,
        lokasi_nama=site.nama,
        praktisi_ihs=practitioner,
        praktisi_nama=(user.get_full_name() or user.username) if user is not None else "",
    )
    loc = (location_id, site.nama)
    isi = fi.Isi(
        pas,
        encounter,
        ukur=[_ukur(p, served) for p in parts.pengukuran],
        vaksinasi=[_vaksinasi(d, served, facts, person, loc) for d in parts.imunisasi],
        rujukan=[_rujuk(r, served, zone) for r in parts.rujukan],
    )
    return Mapped(key, encounter.lokal, person, puskesmas, isi, ctx)


def people_of(ids_: Iterable[int]) -> dict[int, Sasaran]:
    return {
        p.pk: p
        for p in Sasaran.all_objects.filter(pk__in=list(ids_))
        .select_related("posyandu__puskesmas", "posyandu__desa")
        .prefetch_related("keluarga", "ibu")  # queries of their own (docs/scaling.md)
    }


def mapped(keys_parts: dict[Key, Parts], facts: Facts) -> Iterator[tuple[Key, Mapped | str]]:
    """Each key with its inputs, or the reason it cannot be mapped."""
    for key in sorted(keys_parts, key=_order):
        try:
            yield key, build(key, keys_parts[key], facts)
        except Unmappable as exc:
            yield key, str(exc)


def clinical_records(parts: Parts) -> list[Record]:
    return [*parts.pengukuran, *parts.imunisasi, *parts.rujukan]


def has_content(parts: Parts) -> bool:
    return bool(
        [x for x in clinical_records(parts) if x.deleted_at is None]
        or parts.kunjungan
        or parts.anggota
    )
