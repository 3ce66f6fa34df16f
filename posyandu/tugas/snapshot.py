"""What the conditions see of a person: a plain snapshot, loaded in bulk.

`load_people` reads everyone (or a few people) with a handful of set-based queries, one per
kind of record, whatever the number of people; the conditions then run in Python on each
snapshot. Apps that hold more records (immunization, pregnancy, screening) add them through
`register_loader`, filling `Person.extra`.

Each kind of record is a *fact* (`FACTS`): a listener that knows which kind changed (a
measurement) asks only for the conditions that read it (conditions.CONDITION_READS) and the
snapshot loads only the facts those read.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from growthstandards import classify
from posyandu.core.periods import month_bounds
from posyandu.kunjungan_rumah.models import AnggotaDikunjungi
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran, Sesi

HISTORY_DAYS = 400  # a year of history and a month of margin

# The kinds of records a snapshot holds beyond the person itself.
PENGUKURAN = "pengukuran"  # measurements
SESI = "sesi"  # this month's Posyandu day (hari_buka)
RUJUKAN = "rujukan"  # referrals
KUNJUNGAN_RUMAH = "kunjungan_rumah"  # home visits
IMUNISASI = "imunisasi"
KIA = "kia"  # pregnancies, deliveries, postnatal visits
SKRINING = "skrining"
FACTS = frozenset({PENGUKURAN, SESI, RUJUKAN, KUNJUNGAN_RUMAH, IMUNISASI, KIA, SKRINING})


@dataclass
class Measurement:
    tanggal: date
    berat: bool
    status_bb: str
    wfl: str  # Permenkes BB/PB-BB/TB category code, "" if none
    lfa: str  # Permenkes PB/U-TB/U category code, "" if none
    sistole: int | None
    diastole: int | None


@dataclass
class Referral:
    public_id: str
    tanggal: date
    status: str
    tanggal_umpan_balik: date | None


@dataclass
class Person:
    id: int
    posyandu_id: int
    desa_id: str
    tanggal_lahir: date
    jenis_kelamin: str
    hari_buka: date | None = None  # this month's Posyandu day, if it has been held
    measurements: list[Measurement] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    home_visits: list[date] = field(default_factory=list)
    # Facts from other apps' loaders, e.g. "imunisasi_terlambat": [(kode, label, since)].
    extra: dict[str, Any] = field(default_factory=dict)

    def weighed_since(self, day: date) -> bool:
        return any(m.berat and m.tanggal >= day for m in self.measurements)


# loader(people_by_id, ids_or_None, today): adds facts to the snapshots.
Loader = Callable[[dict[int, Person], list[int] | None, date], None]
_loaders: dict[Loader, str] = {}  # loader -> the fact it loads


def register_loader(loader: Loader, fact: str) -> Loader:
    if fact not in FACTS:
        raise ValueError(f"unknown fact {fact!r}")
    _loaders[loader] = fact
    return loader


def _category(kategori: dict, key: str, index: str, z: float | None, flag: bool | None) -> str:
    if isinstance(kategori, dict) and kategori.get(key):
        value = kategori[key]
        return value.get("code", "") if isinstance(value, dict) else str(value)
    if z is None or flag:
        return ""
    category = classify(index, round(z, 2))
    return category.code if category else ""


def chunks(ids: list, size: int = 500) -> Iterable[list]:
    """Slices of at most `size` ids, so `__in` lists stay under SQLite's variable limit."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _by_person(queryset: Any, ids: list[int] | None) -> Iterable[tuple]:
    """Rows of a values_list queryset whose first column is sasaran_id, chunked by id."""
    if ids is None:
        yield from queryset.iterator(chunk_size=5000)
        return
    for chunk in chunks(ids):
        yield from queryset.filter(sasaran_id__in=chunk)


def load_people(
    ids: Iterable[int] | None, today: date, facts: frozenset[str] = FACTS
) -> dict[int, Person]:
    """Snapshots of these people (None: everyone active) holding the given facts."""
    id_list = sorted(set(ids)) if ids is not None else None
    people: dict[int, Person] = {}
    base = Sasaran.objects.filter(status=Sasaran.Status.AKTIF, tanggal_lahir__lte=today)
    fields = ("id", "posyandu_id", "desa_id", "tanggal_lahir", "jenis_kelamin")
    rows = (
        base.values_list(*fields).iterator(chunk_size=5000)
        if id_list is None
        else (
            r for chunk in chunks(id_list) for r in base.filter(id__in=chunk).values_list(*fields)
        )
    )
    for pid, posyandu_id, desa_id, lahir, jk in rows:
        people[pid] = Person(pid, posyandu_id, desa_id, lahir, jk)
    if not people:
        return people

    for loader, fact in _loaders.items():
        if fact in facts:
            loader(people, id_list, today)
    return people


def _posyandu_days(people: dict[int, Person], id_list: list[int] | None, today: date) -> None:
    """Only `not_weighed_this_month` reads the day, for people not weighed this month. For a
    few people (a listener) whose measurements are loaded (that loader runs first) and who
    were weighed, no query: a weighing saved today asks for none."""
    month_start, _end = month_bounds(today)
    sessions = Sesi.objects.filter(tanggal__gte=month_start, tanggal__lte=today)
    if id_list is not None:  # a few people: their Posyandu's sessions only
        unweighed = {p.posyandu_id for p in people.values() if not p.weighed_since(month_start)}
        if not unweighed:
            return
        sessions = sessions.filter(posyandu_id__in=unweighed)
    first_day: dict[int, date] = {}
    for posyandu_id, tanggal in sessions.values_list("posyandu_id", "tanggal"):
        if posyandu_id not in first_day or tanggal < first_day[posyandu_id]:
            first_day[posyandu_id] = tanggal
    for person in people.values():
        person.hari_buka = first_day.get(person.posyandu_id)


def _measurements(people: dict[int, Person], id_list: list[int] | None, today: date) -> None:
    since = today - timedelta(days=HISTORY_DAYS)
    measurements = (
        Pengukuran.objects.filter(tanggal__gte=since, tanggal__lte=today)
        .order_by("sasaran_id", "tanggal", "id")
        .values_list(
            "sasaran_id", "tanggal", "berat_kg", "status_bb", "kategori", "zwfl", "fwfl",
            "zlen", "flen", "edema", "sistole", "diastole",
        )
    )  # fmt: skip
    for sid, tgl, berat, status_bb, kat, zwfl, fwfl, zlen, flen, edema, sis, dia in _by_person(
        measurements, id_list
    ):
        measured = people.get(sid)
        if measured is None:
            continue
        wfl = "gizi_buruk" if edema else _category(kat, "bb_pb_tb", "bb_pb_tb", zwfl, fwfl)
        measured.measurements.append(
            Measurement(
                tanggal=tgl,
                berat=berat is not None,
                status_bb=status_bb or "",
                wfl=wfl,
                lfa=_category(kat, "pb_tb_u", "pb_tb_u", zlen, flen),
                sistole=sis,
                diastole=dia,
            )
        )


def _referrals(people: dict[int, Person], id_list: list[int] | None, today: date) -> None:
    since = today - timedelta(days=HISTORY_DAYS)
    referrals = (
        Rujukan.objects.filter(tanggal__gte=since, tanggal__lte=today)
        .exclude(status=Rujukan.Status.BATAL)
        .order_by("sasaran_id", "tanggal", "id")
        .values_list("sasaran_id", "public_id", "tanggal", "status", "tanggal_umpan_balik")
    )
    for sid, public_id, tgl, status, feedback in _by_person(referrals, id_list):
        if sid in people:
            people[sid].referrals.append(Referral(str(public_id), tgl, status, feedback))


def _home_visits(people: dict[int, Person], id_list: list[int] | None, today: date) -> None:
    since = today - timedelta(days=HISTORY_DAYS)
    visits = (
        AnggotaDikunjungi.objects.filter(
            kunjungan__tanggal__gte=since,
            kunjungan__tanggal__lte=today,
            kunjungan__deleted_at__isnull=True,
        )
        .order_by("sasaran_id", "kunjungan__tanggal")
        .values_list("sasaran_id", "kunjungan__tanggal")
    )
    for sid, tgl in _by_person(visits, id_list):
        if sid in people:
            people[sid].home_visits.append(tgl)


# The snapshot's own facts, loaded first; the other apps' loaders follow (tugas.loaders).
register_loader(_measurements, PENGUKURAN)
register_loader(_posyandu_days, SESI)  # after the measurements: see its docstring
register_loader(_referrals, RUJUKAN)
register_loader(_home_visits, KUNJUNGAN_RUMAH)
