"""Stored growth results follow the facts they were computed from (derived data, see
posyandu/core/derived.py).

A key is (person id, first day to re-evaluate or None for all, last day or None for every
later one). Re-evaluating re-saves the measurements whose results changed; their saves only
add keys for the handlers of the apps above (aggregates, tasks), which then run once for the
person, not once per re-save.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from posyandu.core import derived
from posyandu.core.periods import last_day, month_index
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.growth import INPUT_FIELDS, measurements_reevaluate
from posyandu.sesi.models import Pengukuran

GROWTH_RESULTS = "sesi.Pengukuran"
WHAT = "growth results: z-scores, categories, N/T/O/B, re-measure flags"
REBUILD = "reevaluate_measurements"

Key = tuple[int, date | None, date | None]


def person_keys(record: Sasaran, created: bool) -> list[Key]:
    """A merge brings measurements over to the kept person; a corrected birth date or sex
    changes every z-score and category."""
    if created:
        return []
    loaded = getattr(record, "_loaded", {}) or {}
    if record.digabung_ke_id and loaded.get("digabung_ke_id") != record.digabung_ke_id:
        return [(record.digabung_ke_id, None, None)]
    if any(loaded.get(f) != getattr(record, f) for f in ("tanggal_lahir", "jenis_kelamin")):
        return [(record.pk, None, None)]
    return []


def measurement_keys(record: Pengukuran, created: bool) -> list[Key]:
    """A measurement entered, changed, moved or deleted before later ones: their N/T/O/B
    and plausibility checks looked at a different previous weighing. Re-evaluated
    measurements change only results, so their own saves add no key here."""
    return measurement_keys_many([record], created)


def _values_only(record: Pengukuran, loaded: dict) -> bool:
    """Only values changed: same person, day and life, still a weighing or still none."""
    return all(
        loaded.get(f) == getattr(record, f) for f in ("sasaran_id", "tanggal", "deleted_at")
    ) and (loaded.get("berat_kg") is None) == (record.berat_kg is None)


def measurement_keys_many(records: Sequence[Pengukuran], created: bool) -> list[Key]:
    """`measurement_keys` of several measurements, in one query per 500 people. New
    measurements created together were evaluated together (growth.measurements_evaluate:
    each looks back at the ones dated before it), so only measurements stored before them
    count as later ones to re-evaluate.

    A corrected value (same person, day and kind) is looked back at only by the next
    measurement (plausibility) and the weighings of the next month (N/T/O/B): those are
    re-evaluated, not every later one. A new, moved or deleted measurement can change
    whether any weighing came before (B): everything after it."""
    watched = (*INPUT_FIELDS, "tanggal", "deleted_at")
    firsts: list[tuple[int, date, bool]] = []
    for record in records:
        loaded = getattr(record, "_loaded", {}) or {}
        if not created and all(loaded.get(f) == getattr(record, f) for f in watched):
            continue
        first = min(record.tanggal, loaded.get("tanggal") or record.tanggal)
        firsts.append((record.sasaran_id, first, not created and _values_only(record, loaded)))
    together = {record.pk for record in records} if created else set()
    later: dict[int, list[date]] = defaultdict(list)  # person -> later days (not together)
    ids = sorted({sid for sid, _day, _bounded in firsts})
    for start in range(0, len(ids), 500):
        chunk = set(ids[start : start + 500])
        since = min(day for sid, day, _bounded in firsts if sid in chunk)
        rows = Pengukuran.objects.filter(sasaran_id__in=chunk, tanggal__gt=since)
        for pk, sid, day in rows.values_list("pk", "sasaran_id", "tanggal"):
            if pk not in together:
                later[sid].append(day)
    keys: list[Key] = []
    for sid, day, bounded in firsts:
        after = [d for d in later[sid] if d > day]
        if not after:
            continue
        until = max(min(after), last_day(month_index(day) + 1)) if bounded else None
        keys.append((sid, day + timedelta(days=1), until))
    return keys


def reevaluate(keys: set[Key]) -> None:
    """Each person once, from the earliest day any key asks for to the last."""
    since: dict[int, date | None] = {}
    until: dict[int, date | None] = {}
    for person_id, first, last in keys:
        earlier = since.get(person_id, first)
        since[person_id] = None if earlier is None or first is None else min(earlier, first)
        later = until.get(person_id, last)
        until[person_id] = None if later is None or last is None else max(later, last)
    for person in Sasaran.all_objects.filter(pk__in=since).order_by("pk"):
        measurements_reevaluate(person, since=since[person.pk], until=until[person.pk])


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
