"""The report tables follow the records they count (derived data, see posyandu/core/derived.py).

RekapBulanan (SKDN) and RekapLayanan (coverage and SPM) are kept per Posyandu and month or
year. Each source model names what its change touches, at save time while the record still
knows its previous values (`_loaded`). A saved measurement moves its child's share of the
SKDN rows by the difference (build/rekap_delta.py); anything else (a changed person, a
coverage record) recomputes each touched Posyandu once for all the keys of the save (or of a
re-evaluation batch).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from django.utils import timezone

from posyandu.core import derived
from posyandu.core.periods import last_day, month_index
from posyandu.laporan import skdn
from posyandu.laporan.build.rekap_bulanan import (
    MEASUREMENT_FIELDS,
    maintained_months,
    measurement_of,
    months_touched,
    rekap_recompute,
)
from posyandu.laporan.build.rekap_delta import Befores, rekap_add_changes
from posyandu.laporan.build.rekap_layanan import cakupan_recompute
from posyandu.laporan.models import RekapLayanan
from posyandu.sasaran.life_stage import BALITA
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran

REBUILD = "laporan_rebuild"


def _loaded(record: Any) -> dict[str, Any]:
    return getattr(record, "_loaded", {}) or {}


# The person fields the report tables count (build/rekap_bulanan.py `_children`,
# build/coverage_counts.py `_people`, deleted_at through the live manager): an edit of any
# other field (address, phone, name) changes no figure, so it recomputes nothing.
PERSON_FIELDS_COUNTED = (
    "posyandu_id", "desa_id", "jenis_kelamin", "tanggal_lahir", "status", "status_sejak",
    "punya_buku_kia", "digabung_ke_id", "deleted_at",
)  # fmt: skip


def _counted_fields_changed(record: Sasaran, created: bool) -> bool:
    old = _loaded(record)
    if created or not old:
        return True
    return any(
        name not in old or old[name] != getattr(record, name) for name in PERSON_FIELDS_COUNTED
    )


def _posyandu_of(sasaran_ids: Iterable[int]) -> dict[int, int]:
    rows = Sasaran.all_objects.filter(id__in=set(sasaran_ids)).values_list("id", "posyandu_id")
    return {sid: pid for sid, pid in rows if pid is not None}


# RekapBulanan: SKDN monthly aggregates ------------------------------------------------------


class Weighing(NamedTuple):
    """A measurement of this person on this day was created, changed or deleted."""

    sasaran_id: int
    day: date


class PosyanduMonth(NamedTuple):
    posyandu_id: int
    month: int


def affected_months(days_of: dict[int, set[date]]) -> dict[int, set[int]]:
    """`months_touched` of each person (id -> days measured); the later weighings of every
    person are read in one query per 500 people."""
    weighed: dict[int, list[date]] = defaultdict(list)
    ids = sorted(days_of)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        since = last_day(min(month_index(d) for sid in chunk for d in days_of[sid]) + 2)
        rows = Pengukuran.objects.filter(
            sasaran_id__in=chunk, berat_kg__isnull=False, tanggal__gt=since
        ).values_list("sasaran_id", "tanggal")
        for sid, day in rows:
            weighed[sid].append(day)
    return {sid: months_touched(days, weighed[sid]) for sid, days in days_of.items()}


# The fields of a measurement the SKDN rows read (its child, day, values and flags) and whether
# it counts at all (deleted, or neither weight nor length).
COUNTED_FIELDS = (*MEASUREMENT_FIELDS, "tinggi_cm", "deleted_at")


class MeasurementSaved(NamedTuple):
    """A measurement was created, changed or deleted: how it counted before the save (None
    when it did not: new, deleted, or with neither weight nor length), and of which child."""

    pengukuran_id: int
    sasaran_id: int
    day: date
    before: tuple[int, skdn.Measurement] | None


def _counted(values: dict[str, Any]) -> tuple[int, skdn.Measurement] | None:
    """(child, measurement) as the SKDN rows count it, from a measurement's field values."""
    if values["deleted_at"] is not None:
        return None
    if values["berat_kg"] is None and values["tinggi_cm"] is None:
        return None
    return measurement_of(tuple(values[f] for f in MEASUREMENT_FIELDS))


def rekap_keys_of_measurement(
    record: Pengukuran, created: bool
) -> set[MeasurementSaved] | set[Weighing]:
    """The measurement as it counted before the save (from its loaded values), so that its
    child's share of the rows moves by the difference (build/rekap_delta.py); nothing when
    no counted value changed. A record loaded without every counted field: its days, for a
    whole recompute."""
    old = _loaded(record)
    if created:
        before = None
    elif all(f in old for f in COUNTED_FIELDS):
        before = _counted(old)
        if before == _counted({f: getattr(record, f) for f in COUNTED_FIELDS}):
            return set()
    else:
        people = {record.sasaran_id, old.get("sasaran_id") or record.sasaran_id}
        days = {record.tanggal, old.get("tanggal") or record.tanggal}
        return {Weighing(sid, day) for sid in people for day in days}
    return {MeasurementSaved(record.pk, record.sasaran_id, record.tanggal, before)}


def rekap_keys_of_person(record: Sasaran, created: bool) -> set[PosyanduMonth]:
    """Birth date, status, KMS or Posyandu changed: every maintained month of the old and new
    Posyandu in which the person could be a balita."""
    return rekap_keys_of_people([record], created)


def rekap_keys_of_people(records: Sequence[Sasaran], created: bool) -> set[PosyanduMonth]:
    """`rekap_keys_of_person` of several people: the maintained months of each set of
    Posyandu are read once."""
    maintained: dict[frozenset[int], list[int]] = {}
    keys: set[PosyanduMonth] = set()
    for record in records:
        if not _counted_fields_changed(record, created):
            continue
        old = _loaded(record)
        posyandu_ids = frozenset({record.posyandu_id, old.get("posyandu_id") or record.posyandu_id})
        if posyandu_ids not in maintained:
            maintained[posyandu_ids] = maintained_months(posyandu_ids)
        births = {record.tanggal_lahir, old.get("tanggal_lahir") or record.tanggal_lahir}
        first = min(month_index(b) for b in births)
        last = max(month_index(b) for b in births) + BALITA.end
        months = [m for m in maintained[posyandu_ids] if first <= m <= last]
        keys |= {PosyanduMonth(pid, m) for pid in posyandu_ids for m in months}
    return keys


def _befores(
    saved: Iterable[MeasurementSaved],
) -> tuple[Befores, dict[int, set[date]], dict[int, set[date]]]:
    """Each child's saved measurements as they counted before (build/rekap_delta.py), the
    days they touch, and the days of children to recompute whole: a measurement saved twice
    in one flush with different previous values (which came first cannot be told from a set
    of keys)."""
    befores: Befores = defaultdict(dict)
    days: dict[int, set[date]] = defaultdict(set)
    ambiguous: set[int] = set()
    for key in saved:
        for sid in {key.sasaran_id, key.before[0] if key.before else key.sasaran_id}:
            was = key.before[1] if key.before and key.before[0] == sid else None
            if befores[sid].get(key.pengukuran_id, was) != was:
                ambiguous.add(sid)
            befores[sid][key.pengukuran_id] = was
            days[sid] |= {key.day, was.day} if was else {key.day}
    whole = {sid: days.pop(sid) for sid in ambiguous}
    return {sid: befores[sid] for sid in days}, days, whole


def rekap_update(keys: set[MeasurementSaved | Weighing | PosyanduMonth]) -> None:
    """Saved measurements first, as differences of their children's shares; then whole
    Posyandu-months (a person changed, or a difference could not be added). In this order a
    whole recompute also corrects a row a difference moved in the same flush."""
    months: dict[int, set[int]] = defaultdict(set)
    days: dict[int, set[date]] = defaultdict(set)
    saved: list[MeasurementSaved] = []
    for key in keys:
        if isinstance(key, MeasurementSaved):
            saved.append(key)
        elif isinstance(key, Weighing):
            days[key.sasaran_id].add(key.day)
        else:
            months[key.posyandu_id].add(key.month)
    befores, touched, whole = _befores(saved)
    for sid, more in whole.items():
        days[sid] |= more
    if befores:
        for pid, month in rekap_add_changes(befores, touched):
            months[pid].add(month)
    posyandu_of = _posyandu_of(days)
    for sid, affected in affected_months({s: days[s] for s in posyandu_of}).items():
        months[posyandu_of[sid]] |= affected
    for pid in sorted(months):
        rekap_recompute(posyandu_ids=[pid], months=months[pid])


# RekapLayanan: coverage and SPM ------------------------------------------------------------


class PersonYear(NamedTuple):
    """A record of this person dated in this year changed. Only spm_balita reads weighings,
    so a measurement asks for that indicator alone (`only_balita`)."""

    sasaran_id: int
    year: int
    only_balita: bool = False


class PosyanduYear(NamedTuple):
    posyandu_id: int
    year: int


def _years_of(*days: date | None) -> set[int]:
    # A record dated in December can end a cohort counted the next year (first birthday,
    # follow-up month): refresh the following year too.
    return {y for d in days if d is not None for y in (d.year, d.year + 1)}


def _person_years(people: Iterable[int | None], days: Iterable[date | None]) -> set[PersonYear]:
    years = _years_of(*days)
    return {PersonYear(sid, y) for sid in set(people) if sid is not None for y in years}


def cakupan_keys_of_person_record(record: Any, created: bool) -> set[PersonYear]:
    """Imunisasi, HasilSkrining, Rujukan: records with sasaran and tanggal."""
    old = _loaded(record)
    return _person_years(
        [record.sasaran_id, old.get("sasaran_id")], [record.tanggal, old.get("tanggal")]
    )


# What spm_balita reads of a measurement (build/coverage_counts.py `_balita`: the months a
# child was weighed; deleted_at through the live manager).
MEASUREMENT_FIELDS_COUNTED = ("sasaran_id", "tanggal", "deleted_at")


def cakupan_keys_of_measurement(record: Pengukuran, created: bool) -> set[PersonYear]:
    """Only the measurement's own year: keeps the per-measurement cost low (the
    incremental-update target is 50 ms). A corrected weight or length on the same day
    changes no coverage figure: nothing to recompute."""
    old = _loaded(record)
    if (
        not created
        and old
        and all(old.get(f) == getattr(record, f) for f in MEASUREMENT_FIELDS_COUNTED)
        and (old.get("berat_kg") is None) == (record.berat_kg is None)
    ):
        return set()
    people = {record.sasaran_id, old.get("sasaran_id") or record.sasaran_id}
    years = {d.year for d in (record.tanggal, old.get("tanggal")) if d is not None}
    return {PersonYear(sid, y, only_balita=True) for sid in people for y in years}


def cakupan_keys_of_pregnancy(record: Any, created: bool) -> set[PersonYear]:
    days = [record.hpl, record.status_sejak, _loaded(record).get("hpl"), timezone.localdate()]
    return _person_years([record.sasaran_id], days)


def cakupan_keys_of_pregnancy_record(record: Any, created: bool) -> set[PersonYear]:
    """KunjunganAnc / Persalinan: the pregnancy's year (ends at delivery or HPL)."""
    k = record.kehamilan
    return _person_years([k.sasaran_id], [record.tanggal, k.hpl])


def cakupan_keys_of_nifas_visit(record: Any, created: bool) -> set[PersonYear]:
    p = record.persalinan
    return _person_years([p.kehamilan.sasaran_id], [p.tanggal])


def cakupan_keys_of_person(record: Sasaran, created: bool) -> set[PosyanduYear]:
    """Every maintained year of the old and new Posyandu, and this year."""
    return cakupan_keys_of_people([record], created)


def cakupan_keys_of_people(records: Sequence[Sasaran], created: bool) -> set[PosyanduYear]:
    """`cakupan_keys_of_person` of several people: the maintained years of each set of
    Posyandu are read once."""
    years_of: dict[frozenset[int], set[int]] = {}
    keys: set[PosyanduYear] = set()
    for record in records:
        if not _counted_fields_changed(record, created):
            continue
        old = _loaded(record)
        posyandu_ids = frozenset({record.posyandu_id, old.get("posyandu_id") or record.posyandu_id})
        if posyandu_ids not in years_of:
            maintained = (
                RekapLayanan.objects.filter(posyandu_id__in=posyandu_ids, periode__regex=r"^\d{4}$")
                .values_list("periode", flat=True)
                .distinct()
            )
            years_of[posyandu_ids] = {int(p) for p in maintained} | {timezone.localdate().year}
        keys |= {PosyanduYear(pid, y) for pid in posyandu_ids for y in years_of[posyandu_ids]}
    return keys


def cakupan_update(keys: set[PersonYear | PosyanduYear]) -> None:
    full: dict[int, set[int]] = defaultdict(set)
    balita: dict[int, set[int]] = defaultdict(set)
    people = [k for k in keys if isinstance(k, PersonYear)]
    posyandu_of = _posyandu_of(k.sasaran_id for k in people)
    for key in keys:
        if isinstance(key, PosyanduYear):
            full[key.posyandu_id].add(key.year)
        elif key.sasaran_id in posyandu_of:
            (balita if key.only_balita else full)[posyandu_of[key.sasaran_id]].add(key.year)
    for pid in sorted(full.keys() | balita.keys()):
        if full[pid]:
            cakupan_recompute(posyandu_id=pid, years=full[pid])
        if balita[pid] - full[pid]:  # a full recompute already wrote spm_balita
            cakupan_recompute(posyandu_id=pid, years=balita[pid] - full[pid], only_balita=True)


def register() -> None:
    def rekap(source: str, keys: derived.KeysFn, many: derived.ManyKeysFn | None = None) -> None:
        derived.register(
            derived="laporan.RekapBulanan",
            what="SKDN monthly aggregates",
            source=source,
            keys=keys,
            handler=rekap_update,
            rebuild=REBUILD,
            keys_many=many,
        )

    def cakupan(source: str, keys: derived.KeysFn, many: derived.ManyKeysFn | None = None) -> None:
        derived.register(
            derived="laporan.RekapLayanan",
            what="coverage and SPM rows",
            source=source,
            keys=keys,
            handler=cakupan_update,
            rebuild=REBUILD,
            keys_many=many,
        )

    rekap("sesi.Pengukuran", rekap_keys_of_measurement)
    rekap("sasaran.Sasaran", rekap_keys_of_person, rekap_keys_of_people)
    cakupan("imunisasi.Imunisasi", cakupan_keys_of_person_record)
    cakupan("skrining.HasilSkrining", cakupan_keys_of_person_record)
    cakupan("rujukan.Rujukan", cakupan_keys_of_person_record)
    cakupan("sesi.Pengukuran", cakupan_keys_of_measurement)
    cakupan("kia.Kehamilan", cakupan_keys_of_pregnancy)
    cakupan("kia.KunjunganAnc", cakupan_keys_of_pregnancy_record)
    cakupan("kia.Persalinan", cakupan_keys_of_pregnancy_record)
    cakupan("kia.KunjunganNifas", cakupan_keys_of_nifas_visit)
    cakupan("sasaran.Sasaran", cakupan_keys_of_person, cakupan_keys_of_people)
