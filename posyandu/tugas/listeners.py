"""Incremental recompute: a changed record re-evaluates the tasks of its person.

Listeners only note the person; the recompute runs once per transaction, after it commits,
for all people noted in it (a Posyandu day saving 40 measurements recomputes 40 people with
the same few queries, and never slows down or breaks the save itself).
"""

import logging
import threading
from typing import Any

from django.db import transaction

from posyandu.core.registry import register_record_listener

logger = logging.getLogger(__name__)
_pending = threading.local()


def schedule(*sasaran_ids: int | None) -> None:
    ids = {i for i in sasaran_ids if i is not None}
    if not ids:
        return
    pending: set[int] | None = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(ids)
    # Every save registers a flush; the first one after commit does the work. If the
    # transaction rolls back, the ids stay pending and the next flush includes them (harmless).
    transaction.on_commit(flush)


def flush() -> None:
    from posyandu.tugas.engine import recompute

    ids: set[int] | None = getattr(_pending, "ids", None)
    if not ids:
        return
    _pending.ids = set()
    try:
        recompute(ids)
    except Exception:  # the record is saved; the nightly full run will catch up
        logger.exception("Task recompute failed for %d people", len(ids))


def on_person_record(record: Any, created: bool) -> None:
    schedule(record.sasaran_id)


def on_person(record: Any, created: bool) -> None:
    schedule(record.pk)


def on_pregnancy_record(record: Any, created: bool) -> None:
    """ANC visits and deliveries belong to a pregnancy; a delivery also to its baby."""
    kehamilan = getattr(record, "kehamilan", None)
    schedule(kehamilan.sasaran_id if kehamilan else None, getattr(record, "bayi_id", None))


def on_nifas_visit(record: Any, created: bool) -> None:
    persalinan = record.persalinan
    schedule(persalinan.kehamilan.sasaran_id, persalinan.bayi_id)


PERSON_RECORD_MODELS = [
    "sesi.Pengukuran",
    "rujukan.Rujukan",
    "kunjungan_rumah.AnggotaDikunjungi",
    "imunisasi.Imunisasi",
    "kia.Kehamilan",
    "skrining.HasilSkrining",
]


def register() -> None:
    register_record_listener("sasaran.Sasaran", on_person)
    for label in PERSON_RECORD_MODELS:
        register_record_listener(label, on_person_record)
    register_record_listener("kia.KunjunganAnc", on_pregnancy_record)
    register_record_listener("kia.Persalinan", on_pregnancy_record)
    register_record_listener("kia.KunjunganNifas", on_nifas_visit)
