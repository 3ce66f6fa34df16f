"""Stored growth results follow their facts: a backdated or deleted weighing, a corrected
birth date or sex, and a merge re-evaluate the measurements that depend on them."""

from datetime import date

import pytest

import growthstandards as gs
from posyandu.sasaran.services import sasaran_merge, sasaran_update
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record

BORN = date(2025, 1, 15)


@pytest.fixture
def boy(world):
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=BORN, jenis_kelamin="L")


def weigh(person, day, kg, **more):
    return measurement_record(sasaran=person, tanggal=day, by=None, berat_kg=kg, **more).pengukuran


def statuses(person):
    return list(person.pengukuran.order_by("tanggal").values_list("status_bb", flat=True))


def test_a_weighing_entered_late_changes_the_next_month(boy):
    weigh(boy, date(2025, 10, 10), 8.0)
    weigh(boy, date(2025, 12, 10), 8.5)  # no November weighing yet: O
    assert statuses(boy) == ["B", "O"]
    weigh(boy, date(2025, 11, 10), 8.4)  # the paper register's November, typed in late
    # November +400 g >= KBM 300 -> N; December +100 g < 300 -> T (was O)
    assert statuses(boy) == ["B", "N", "T"]


def test_deleting_a_weighing_re_evaluates_the_next(boy):
    weigh(boy, date(2025, 10, 10), 8.0)
    november = weigh(boy, date(2025, 11, 10), 8.4)
    weigh(boy, date(2025, 12, 10), 8.5)
    november.delete()
    assert statuses(boy) == ["B", "O"]


def test_a_corrected_birth_date_and_sex_recompute_z_scores(world, boy):
    p = weigh(boy, date(2026, 1, 10), 8.6, tinggi_cm=72.0, cara_ukur="terlentang")
    sasaran_update(
        sasaran=boy, posyandu=world.posyandu_a, tanggal_lahir=date(2025, 3, 15), jenis_kelamin="P"
    )
    p.refresh_from_db()
    # 2025-03-15 to 2026-01-10: 301 days, a girl
    want = gs.zscores_one(sex=2, age_days=301, weight=8.6, lenhei=72.0, measure="l")
    assert (p.umur_hari, p.zwei, p.zlen, p.zwfl) == (301, want["zwei"], want["zlen"], want["zwfl"])
    category = gs.classify("bb_u", want["zwei"])
    assert category is not None
    assert p.kategori["bb_u"] == category.code


def test_measurements_brought_by_a_merge_are_evaluated_with_the_kept_history(world, boy):
    weigh(boy, date(2025, 10, 10), 8.0)
    weigh(boy, date(2025, 12, 10), 8.5)
    dup = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=BORN, jenis_kelamin="L")
    weigh(dup, date(2025, 11, 10), 8.1)  # the first weighing of the duplicate record: B
    sasaran_merge(keep=boy, merged=dup, by=world.bidan_1)
    # November +100 g < KBM 300 -> T; December +400 g -> N
    assert statuses(boy) == ["B", "T", "N"]
    assert Pengukuran.objects.filter(sasaran=boy).count() == 3
