"""The kader target "tasks closed by home visits": counted per visitor for the month, from the
visits' ids (no join between a household's visit and a person's task, docs/scaling.md)."""

from datetime import date

import pytest

from posyandu.accounts.tests.factories import UserFactory
from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.tugas.models import Tugas
from posyandu.tugas.targets import tasks_closed_by_visits
from posyandu.tugas.tests.factories import person

pytestmark = pytest.mark.django_db

MONTH = date(2026, 9, 1)


def _visit(world, petugas, day: date) -> KunjunganRumah:
    here = world.posyandu_a
    return KunjunganRumah.objects.create(
        posyandu=here, desa_id=here.desa_id, tanggal=day, petugas=petugas
    )


def _closed_task(world, visit: KunjunganRumah, n: int) -> None:
    child = person(world.posyandu_a, date(2025, 1, 1), nama=f"Anak {visit.pk}-{n}")
    Tugas.objects.create(
        sasaran=child, posyandu=world.posyandu_a, desa_id=child.desa_id, aturan="2t",
        aturan_versi="1", kunci=f"k{n}", tanggal_acuan=visit.tanggal, mulai=visit.tanggal,
        jatuh_tempo=visit.tanggal, kedaluwarsa=visit.tanggal, status=Tugas.Status.SELESAI,
        selesai_pada=visit.tanggal, cara_selesai=Tugas.Cara.KUNJUNGAN_RUMAH, kunjungan_rumah=visit,
    )  # fmt: skip


def test_each_visitor_counts_the_tasks_their_visits_closed_in_the_month(world):
    ani, budi, other = UserFactory.create(), UserFactory.create(), UserFactory.create()
    for n in range(3):
        _closed_task(world, _visit(world, ani, date(2026, 9, 3 + n)), n)
    _closed_task(world, _visit(world, budi, date(2026, 9, 20)), 0)
    _closed_task(world, _visit(world, ani, date(2026, 8, 31)), 0)  # last month
    _closed_task(world, _visit(world, other, date(2026, 9, 5)), 0)  # not asked for
    _visit(world, budi, date(2026, 9, 21))  # a visit that closed nothing

    assert tasks_closed_by_visits([ani.pk, budi.pk], MONTH, {}) == {ani.pk: 3, budi.pk: 1}
