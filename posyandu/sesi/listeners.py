"""Stored growth results follow the facts they were computed from (derived data, see
posyandu/core/derived.py).

A key is (person id, first day to re-evaluate, None for all). Re-evaluating re-saves the
measurements whose results changed; their saves only add keys for the handlers of the apps
above (aggregates, tasks), which then run once for the person, not once per re-save.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from posyandu.core import derived
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.growth import INPUT_FIELDS, measurements_reevaluate
from posyandu.sesi.models import Pengukuran

GROWTH_RESULTS = "sesi.Pengukuran"
WHAT = "growth results: z-scores, categories, N/T/O/B, re-measure flags"
REBUILD = "reevaluate_measurements"

Key = tuple[int, date | None]


def person_keys(record: Sasaran, created: bool) -> list[Key]:
    """A merge brings measurements over to the kept person; a corrected birth date or sex
    changes every z-score and category."""
    if created:
        return []
    loaded = getattr(record, "_loaded", {}) or {}
    if record.digabung_ke_id and loaded.get("digabung_ke_id") != record.digabung_ke_id:
        return [(record.digabung_ke_id, None)]
    if any(loaded.get(f) != getattr(record, f) for f in ("tanggal_lahir", "jenis_kelamin")):
        return [(record.pk, None)]
    return []


def measurement_keys(record: Pengukuran, created: bool) -> list[Key]:
    """A measurement entered, changed, moved or deleted before later ones: their N/T/O/B
    and plausibility checks looked at a different previous weighing. Re-evaluated
    measurements change only results, so their own saves add no key here."""
    return measurement_keys_many([record], created)


def measurement_keys_many(records: Sequence[Pengukuran], created: bool) -> list[Key]:
    """`measurement_keys` of several measurements, in one query per 500 people. New
    measurements created together were evaluated together (growth.measurements_evaluate:
    each looked back at the ones dated before it), so only measurements stored before them
    count as later ones to re-evaluate."""
    watched = (*INPUT_FIELDS, "tanggal", "deleted_at")
    firsts: list[tuple[int, date]] = []
    for record in records:
        loaded = getattr(record, "_loaded", {}) or {}
        if not created and all(loaded.get(f) == getattr(record, f) for f in watched):
            continue
        firsts.append(
            (record.sasaran_id, min(record.tanggal, loaded.get("tanggal") or record.tanggal))
        )
    together = {record.pk for record in records} if created else set()
    latest: dict[int, date] = {}  # person -> date of their last measurement (not together)
    ids = sorted({sid for sid, _day in firsts})
    for start in range(0, len(ids), 500):
        chunk = set(ids[start : start + 500])
        since = min(day for sid, day in firsts if sid in chunk)
        rows = Pengukuran.objects.filter(sasaran_id__in=chunk, tanggal__gt=since)
        for pk, sid, day in rows.values_list("pk", "sasaran_id", "tanggal"):
            if pk not in together and day > latest.get(sid, date.min):
                latest[sid] = day
    return [(sid, day + timedelta(days=1)) for sid, day in firsts if latest.get(sid, day) > day]


def reevaluate(keys: set[Key]) -> None:
    """Each person once, from the earliest day any key asks for."""
    since: dict[int, date | None] = {}
    for person_id, day in keys:
        earlier = since.get(person_id, day)
        since[person_id] = None if earlier is None or day is None else min(earlier, day)
    for person in Sasaran.all_objects.filter(pk__in=since).order_by("pk"):
        measurements_reevaluate(person, since=since[person.pk])


def register() -> None:
    derived.register(
        derived=GROWTH_RESULTS,
        what=WHAT,
        source=Sasaran,
        keys=person_keys,
        handler=reevaluate,
        rebuild=REBUILD,
    )
    derived.register(
        derived=GROWTH_RESULTS,
        what=WHAT,
        source=Pengukuran,
        keys=measurement_keys,
        handler=reevaluate,
        rebuild=REBUILD,
        keys_many=measurement_keys_many,
    )
