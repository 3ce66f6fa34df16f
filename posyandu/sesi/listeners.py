"""Stored growth results follow the facts they were computed from (derived data, see
posyandu/core/derived.py).

A key is (person id, first day to re-evaluate or None for all, last day: a day, None for
every later one, or NEXT). Re-evaluating re-saves the measurements whose results changed;
their saves only add keys for the handlers of the apps above (aggregates, tasks), which then
run once for the person, not once per re-save.
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

# The last day of a key: a day, None for every later one, or NEXT: up to the later of the
# next measurement and the end of the month after the one before the first day (a corrected
# value), found by the handler among the measurements it reads anyway.
NEXT = "next"
Key = tuple[int, date | None, date | str | None]


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
    """`measurement_keys` of several measurements.

    A changed measurement: from the day after it. A corrected value (same person, day and
    kind) is looked back at only by the next measurement (plausibility) and the weighings of
    the next month (N/T/O/B): those (NEXT), not every later one. A moved or deleted
    measurement can change whether any weighing came before (B): everything after it.

    New measurements, in one query per 500 people: those created together were evaluated
    together (growth.measurements_evaluate: each looks back at the ones dated before it), so
    only measurements stored before them count as later ones to re-evaluate."""
    if not created:
        watched = (*INPUT_FIELDS, "tanggal", "deleted_at")
        keys: list[Key] = []
        for record in records:
            loaded = getattr(record, "_loaded", {}) or {}
            if all(loaded.get(f) == getattr(record, f) for f in watched):
                continue
            first = min(record.tanggal, loaded.get("tanggal") or record.tanggal)
            last = NEXT if _values_only(record, loaded) else None
            keys.append((record.sasaran_id, first + timedelta(days=1), last))
        return keys
    firsts = {(record.sasaran_id, record.tanggal) for record in records}
    together = {record.pk for record in records}
    later: dict[int, list[date]] = defaultdict(list)  # person -> later days (not together)
    ids = sorted({sid for sid, _day in firsts})
    for start in range(0, len(ids), 500):
        chunk = set(ids[start : start + 500])
        since = min(day for sid, day in firsts if sid in chunk)
        rows = Pengukuran.objects.filter(sasaran_id__in=chunk, tanggal__gt=since)
        for pk, sid, day in rows.values_list("pk", "sasaran_id", "tanggal"):
            if pk not in together:
                later[sid].append(day)
    return [
        (sid, day + timedelta(days=1), None)
        for sid, day in firsts
        if any(d > day for d in later[sid])
    ]


def _span(key: Key, days: list[date]) -> tuple[date | None, date | None] | None:
    """(first, last) day a key re-evaluates among the person's measurement `days` (sorted),
    or None when no measurement falls in it."""
    _person, first, last = key
    after = [d for d in days if first is None or d >= first]
    if not after:
        return None
    if last == NEXT:
        assert first is not None, "a corrected value names its day"
        corrected = first - timedelta(days=1)
        return first, max(after[0], last_day(month_index(corrected) + 1))
    assert last is None or isinstance(last, date)
    return first, last


def reevaluate(keys: set[Key]) -> None:
    """Each person once, from the earliest day any key asks for to the last; their
    measurements read once, in one query per 500 people."""
    stored: dict[int, list[Pengukuran]] = defaultdict(list)
    ids = sorted({person_id for person_id, _first, _last in keys})
    for start in range(0, len(ids), 500):
        rows = Pengukuran.objects.filter(sasaran_id__in=ids[start : start + 500])
        for p in rows.order_by("sasaran_id", "tanggal", "id"):
            stored[p.sasaran_id].append(p)
    since: dict[int, date | None] = {}
    until: dict[int, date | None] = {}
    for key in keys:
        person_id = key[0]
        span = _span(key, [p.tanggal for p in stored[person_id]])
        if span is None:
            continue
        first, last = span
        earlier = since.get(person_id, first)
        since[person_id] = None if earlier is None or first is None else min(earlier, first)
        later = until.get(person_id, last)
        until[person_id] = None if later is None or last is None else max(later, last)
    for person in Sasaran.all_objects.filter(pk__in=since).order_by("pk"):
        measurements_reevaluate(
            person, since=since[person.pk], until=until[person.pk], stored=stored[person.pk]
        )


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
