"""Writes of tasks other than the engine's: closing by a home visit."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from posyandu.kunjungan_rumah.models import AnggotaDikunjungi
from posyandu.tugas.models import Tugas
from posyandu.tugas.ruleset import ruleset


def tasks_close_by_home_visit(
    *, tugas: Iterable[Any], kunjungan: Any, sasaran_ids: set[int], tanggal: date
) -> int:
    """Close the open tasks a home visit answers: tasks (public ids in `tugas`) of a member
    seen at the visit whose rule accepts a home visit. Returns how many were closed."""
    closable = {r.code for r in ruleset().rules if r.closes_on_home_visit}
    return Tugas.objects.filter(
        public_id__in=[str(t) for t in tugas],
        sasaran_id__in=sasaran_ids,
        aturan__in=closable,
        status=Tugas.Status.TERBUKA,
    ).update(
        status=Tugas.Status.SELESAI,
        cara_selesai=Tugas.Cara.KUNJUNGAN_RUMAH,
        selesai_pada=tanggal,
        kunjungan_rumah=kunjungan,
    )


def tasks_close_by_members_seen(member_ids: set[int]) -> int:
    """The derived-data handler of home visits: each member seen (AnggotaDikunjungi) closes
    the tasks of that person the visitor ticked, when the family was met (a visit that found
    nobody at home answers nothing)."""
    closed = 0
    members = AnggotaDikunjungi.objects.filter(
        pk__in=member_ids, kunjungan__bertemu=True
    ).select_related("kunjungan")
    for member in members:
        visit = member.kunjungan
        if visit.tugas_dipilih:
            closed += tasks_close_by_home_visit(
                tugas=visit.tugas_dipilih,
                kunjungan=visit,
                sasaran_ids={member.sasaran_id},
                tanggal=visit.tanggal,
            )
    return closed
