"""Follow-up tasks follow the records of their person (derived data, see core/derived.py).

A key is a person id. The handler only notes the people; the recompute runs once per
transaction, after it commits, for all people noted in it (a Posyandu day saving 40
measurements recomputes 40 people with the same few queries, and never slows down or breaks
the save itself). If it fails, the nightly `recompute_tasks` catches up.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from posyandu.core import derived
from posyandu.tugas import engine, services

logger = logging.getLogger(__name__)
_pending = threading.local()

REBUILD = "recompute_tasks"


def schedule(*sasaran_ids: int | None) -> None:
    ids = {i for i in sasaran_ids if i is not None}
    if not ids:
        return
    pending: set[int] | None = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(ids)
    # Every call registers a flush; the first one after commit does the work. If the
    # transaction rolls back, the ids stay pending and the next flush includes them (harmless).
    transaction.on_commit(flush)


def flush() -> None:
    ids: set[int] | None = getattr(_pending, "ids", None)
    held: int = getattr(_pending, "held", 0)
    if not ids or held:
        return
    _pending.ids = set()
    try:
        engine.recompute(ids)
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


def tasks_update(keys: set[int | None]) -> None:
    schedule(*keys)


def person_keys(record: Any, created: bool) -> list[int]:
    return [record.pk]


def person_record_keys(record: Any, created: bool) -> list[int | None]:
    return [record.sasaran_id]


def pregnancy_record_keys(record: Any, created: bool) -> list[int | None]:
    """ANC visits and deliveries belong to a pregnancy; a delivery also to its baby."""
    kehamilan = getattr(record, "kehamilan", None)
    return [kehamilan.sasaran_id if kehamilan else None, getattr(record, "bayi_id", None)]


def tasks_close(keys: set[int]) -> None:
    services.tasks_close_by_members_seen(keys)


def member_seen_keys(record: Any, created: bool) -> list[int]:
    """A member row is written once, when the visit is recorded."""
    return [record.pk] if created else []


def nifas_visit_keys(record: Any, created: bool) -> list[int | None]:
    persalinan = record.persalinan
    return [persalinan.kehamilan.sasaran_id, persalinan.bayi_id]


PERSON_RECORD_MODELS = [
    "sesi.Pengukuran",
    "rujukan.Rujukan",
    "kunjungan_rumah.AnggotaDikunjungi",
    "imunisasi.Imunisasi",
    "kia.Kehamilan",
    "skrining.HasilSkrining",
]


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
    for label in PERSON_RECORD_MODELS:
        follows(label, person_record_keys)
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
