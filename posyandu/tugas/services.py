"""Writes of tasks other than the engine's: closing by a home visit."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from posyandu.tugas.models import Tugas
from posyandu.tugas.rules import ruleset


def tasks_close_by_home_visit(
    *, tugas: Iterable[Tugas], kunjungan: Any, sasaran_ids: set[int], tanggal: date
) -> int:
    """Close the open tasks a home visit answers: tasks of a member seen at the visit whose
    rule accepts a home visit. Returns how many were closed."""
    closable = {r.code for r in ruleset().rules if r.closes_on_home_visit}
    ids = [
        t.pk
        for t in tugas
        if t.status == Tugas.Status.TERBUKA and t.sasaran_id in sasaran_ids and t.aturan in closable
    ]
    return Tugas.objects.filter(pk__in=ids, status=Tugas.Status.TERBUKA).update(
        status=Tugas.Status.SELESAI,
        cara_selesai=Tugas.Cara.KUNJUNGAN_RUMAH,
        selesai_pada=tanggal,
        kunjungan_rumah=kunjungan,
    )
