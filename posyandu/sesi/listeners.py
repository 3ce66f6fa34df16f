"""Stored growth results follow the facts they were computed from (derived data, see
posyandu/core/derived.py).

A key is (person id, first day to re-evaluate, None for all). Re-evaluating re-saves the
measurements whose results changed; their saves only add keys for the handlers of the apps
above (aggregates, tasks), which then run once for the person, not once per re-save.
"""

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
    loaded = getattr(record, "_loaded", {}) or {}
    watched = (*INPUT_FIELDS, "tanggal", "deleted_at")
    if not created and all(loaded.get(f) == getattr(record, f) for f in watched):
        return []
    first = min(record.tanggal, loaded.get("tanggal") or record.tanggal)
    later = Pengukuran.objects.filter(sasaran_id=record.sasaran_id, tanggal__gt=first)
    return [(record.sasaran_id, first + timedelta(days=1))] if later.exists() else []


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
    )
