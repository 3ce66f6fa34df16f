"""Follow-up tasks follow the records of their person (derived data, see core/derived.py).

A key is a person id and the kind of record (fact, tugas.snapshot.FACTS) that changed; a
change of the person itself changes every fact. The handler only notes them; the recompute
runs once per transaction, after it commits, for all people noted in it and only for the
rules reading the facts noted (a Posyandu day saving 40 measurements recomputes the growth
rules of 40 people with the same few queries, and never slows down or breaks the save
itself). If it fails, the nightly `recompute_tasks` catches up.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from posyandu.core import derived
from posyandu.tugas import engine, services
from posyandu.tugas.snapshot import (
    FACTS,
    IMUNISASI,
    KIA,
    KUNJUNGAN_RUMAH,
    PENGUKURAN,
    RUJUKAN,
    SKRINING,
)

logger = logging.getLogger(__name__)
_pending = threading.local()

REBUILD = "recompute_tasks"


def schedule(*sasaran_ids: int | None, facts: frozenset[str] = FACTS) -> None:
    ids = {i for i in sasaran_ids if i is not None}
    if not ids:
        return
    pending: set[int] | None = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
        _pending.facts = set()
    pending.update(ids)
    _pending.facts.update(facts)
    # Every call registers a flush; the first one after commit does the work. If the
    # transaction rolls back, the ids stay pending and the next flush includes them (harmless).
    transaction.on_commit(flush)


def flush() -> None:
    ids: set[int] | None = getattr(_pending, "ids", None)
    held: int = getattr(_pending, "held", 0)
    if not ids or held:
        return
    facts = frozenset(_pending.facts)
    _pending.ids, _pending.facts = set(), set()
    try:
        engine.recompute(ids, facts=facts)
    except Exception:  # the record is saved; the nightly full run will catch up
        logger.exception("Task recompute failed for %d people", len(ids))


@contextmanager
def recompute_after() -> Iterator[None]:
    """Hold the after-commit recompute until the block ends, then run it once for everyone
    noted in the block: a sync upload commits each of its 50 changes on its own, and one
    recompute of 50 people costs the queries of one. Still after commit, never inside a
    change's transaction; if the process dies before the end, the nightly run catches up."""
    held = getattr(_pending, "held", 0)
    _pending.held = held + 1
    try:
        yield
    finally:
        _pending.held = held
        if not held:
            transaction.on_commit(flush)  # now, or when an enclosing transaction commits


Key = tuple[int | None, str]  # person, the fact that changed ("" = the person: every fact)


def tasks_update(keys: set[Key]) -> None:
    facts = {fact for _, fact in keys}
    schedule(*(pid for pid, _ in keys), facts=FACTS if "" in facts else frozenset(facts))


def person_keys(record: Any, created: bool) -> list[Key]:
    return [(record.pk, "")]


def record_keys(fact: str) -> derived.KeysFn:
    """Keys of a record of this kind that names its person (`sasaran_id`)."""

    def keys(record: Any, created: bool) -> list[Key]:
        return [(record.sasaran_id, fact)]

    keys.__name__ = f"{fact}_keys"
    return keys


def pregnancy_record_keys(record: Any, created: bool) -> list[Key]:
    """ANC visits and deliveries belong to a pregnancy; a delivery also to its baby."""
    kehamilan = getattr(record, "kehamilan", None)
    mother = kehamilan.sasaran_id if kehamilan else None
    return [(mother, KIA), (getattr(record, "bayi_id", None), KIA)]


def tasks_close(keys: set[int]) -> None:
    services.tasks_close_by_members_seen(keys)


def member_seen_keys(record: Any, created: bool) -> list[int]:
    """A member row is written once, when the visit is recorded."""
    return [record.pk] if created else []


def nifas_visit_keys(record: Any, created: bool) -> list[Key]:
    persalinan = record.persalinan
    return [(persalinan.kehamilan.sasaran_id, KIA), (persalinan.bayi_id, KIA)]


# The records that name their person, and the fact each is.
PERSON_RECORD_MODELS = {
    "sesi.Pengukuran": PENGUKURAN,
    "rujukan.Rujukan": RUJUKAN,
    "kunjungan_rumah.AnggotaDikunjungi": KUNJUNGAN_RUMAH,
    "imunisasi.Imunisasi": IMUNISASI,
    "kia.Kehamilan": KIA,
    "skrining.HasilSkrining": SKRINING,
}


def follows(source: str, keys: derived.KeysFn) -> None:
    derived.register(
        derived="tugas.Tugas",
        what="follow-up tasks, recomputed after commit",
        source=source,
        keys=keys,
        handler=tasks_update,
        rebuild=REBUILD,
    )


def register() -> None:
    follows("sasaran.Sasaran", person_keys)
    for label, fact in PERSON_RECORD_MODELS.items():
        follows(label, record_keys(fact))
    follows("kia.KunjunganAnc", pregnancy_record_keys)
    follows("kia.Persalinan", pregnancy_record_keys)
    follows("kia.KunjunganNifas", nifas_visit_keys)
    # A home visit closes the tasks the visitor ticked, member by member (tugas/services.py).
    derived.register(
        derived="tugas.Tugas.kunjungan_rumah",
        what="tasks closed by the home visit that answers them",
        source="kunjungan_rumah.AnggotaDikunjungi",
        keys=member_seen_keys,
        handler=tasks_close,
        rebuild="none: a closed task stays closed (recompute_tasks never reopens it)",
    )
