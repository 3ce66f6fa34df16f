"""Re-evaluation does not cascade: when stored growth results are re-evaluated (corrected birth
date, merge, late weighing), every derived handler runs once for the change, not once per
re-saved measurement, and the tables still equal a full rebuild."""

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posyandu.audit.models import AuditEvent
from posyandu.core.corrections import record_correct
from posyandu.core.periods import parse_period
from posyandu.laporan import listeners as laporan_listeners
from posyandu.laporan import skdn
from posyandu.laporan.build.rekap_bulanan import rekap_rebuild
from posyandu.laporan.models import RekapBulanan
from posyandu.sasaran.services import sasaran_merge, sasaran_update
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import listeners as sesi_listeners
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record
from posyandu.tugas import listeners as tugas_listeners

BORN = date(2025, 1, 15)
WEIGHINGS = [(date(2026, 3, 10), 9.0), (date(2026, 4, 10), 9.4), (date(2026, 6, 10), 9.9)]
START, END = parse_period("2026-01"), parse_period("2026-09")


def weigh(person, day, kg):
    values = {"berat_kg": kg, "tinggi_cm": 76.0, "cara_ukur": "terlentang"}
    return measurement_record(sasaran=person, tanggal=day, by=None, **values)


@pytest.fixture
def boy(world):
    boy = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=BORN, jenis_kelamin="L")
    for day, kg in WEIGHINGS:
        weigh(boy, day, kg)
    rekap_rebuild(start=START, end=END)  # every Posyandu-month has rows before the change
    return boy


@pytest.fixture
def calls(monkeypatch):
    """How often each handler did its work (the functions they call, counted)."""
    counted: Counter[str] = Counter()

    def counting(name, original):
        def counted_call(*args, **kwargs):
            counted[name] += 1
            return original(*args, **kwargs)

        return counted_call

    for module, name in (
        (sesi_listeners, "measurements_reevaluate"),
        (tugas_listeners, "schedule"),
        (laporan_listeners, "rekap_recompute"),
        (laporan_listeners, "rekap_add_changes"),
        (laporan_listeners, "cakupan_recompute"),
    ):
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    return counted


def resaved():
    return AuditEvent.objects.filter(model="sesi.Pengukuran", action="update").count()


def rekap_rows():
    return {
        (r.posyandu_id, r.periode, r.jk, *(getattr(r, f) for f in skdn.FIELDS))
        for r in RekapBulanan.objects.all()
    }


def assert_equals_a_full_rebuild():
    incremental = rekap_rows()
    rekap_rebuild(start=START, end=END)
    assert rekap_rows() == incremental


ONCE = {"measurements_reevaluate": 1, "schedule": 1, "cakupan_recompute": 1}
# A person changed: the SKDN rows of their Posyandu recomputed whole, after the differences
# of re-saved measurements whose z-scores changed (laporan.listeners.rekap_update).
PERSON_ONCE = {**ONCE, "rekap_add_changes": 1, "rekap_recompute": 1}
# A merge: the moved measurements' re-saves change no counted value (N/T/O/B is the SKDN
# rows' own), so only the whole recompute of the people.
MERGE_ONCE = {**ONCE, "rekap_recompute": 1}
# Only measurements saved: the differences of their child's share, no whole recompute.
MEASUREMENTS_ONCE = {**ONCE, "rekap_add_changes": 1}


def test_a_corrected_birth_date_updates_each_derived_table_once(world, boy, calls):
    before = resaved()
    sasaran_update(sasaran=boy, posyandu=world.posyandu_a, tanggal_lahir=date(2025, 3, 15))
    # Every z-score changed: three measurements re-saved, which used to run the aggregates,
    # coverage and task handlers once per re-save (4 times each).
    assert resaved() - before == 3
    assert calls == PERSON_ONCE
    assert_equals_a_full_rebuild()


def test_a_merge_updates_each_derived_table_once(world, boy, calls):
    dup = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=BORN, jenis_kelamin="L")
    weigh(dup, date(2026, 5, 10), 9.5)  # June's N/T now looks back at May, not April
    calls.clear()
    before = resaved()
    sasaran_merge(keep=boy, merged=dup, by=world.bidan_1)
    assert resaved() - before >= 1
    assert Pengukuran.objects.filter(sasaran=boy).count() == 4
    # Two people saved and re-evaluated measurements: still one run of each handler.
    assert calls == MERGE_ONCE
    assert_equals_a_full_rebuild()


def test_a_late_weighing_updates_each_derived_table_once(world, boy, calls):
    before = resaved()
    weigh(boy, date(2026, 5, 10), 9.5)  # the paper register's May, typed in late
    assert resaved() - before == 1  # June: from O (no May weighing) to N
    statuses = boy.pengukuran.order_by("tanggal").values_list("status_bb", flat=True)
    assert list(statuses) == ["B", "N", "T", "N"]  # May +100 g: T; June +400 g: N
    assert calls == MEASUREMENTS_ONCE
    assert_equals_a_full_rebuild()


def test_a_corrected_weight_reads_the_childs_measurements_once_per_handler(
    world, boy, django_capture_on_commit_callbacks
):
    """The correction evaluates itself (one read of what it looks back at); re-evaluating the
    weighing after it and moving the SKDN rows by the difference read the child's
    measurements once each: no separate query for the later days, the window, the earlier
    weighings or the look-back (sesi.listeners, laporan.build.rekap_delta)."""
    april = Pengukuran.objects.get(sasaran=boy, tanggal=date(2026, 4, 10))
    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as queries:
        record_correct(april, by=world.bidan_1, reason="salah baca", changes={"berat_kg": 9.7})
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "sesi_pengukuran"' in s for s in reads) == 3
    assert_equals_a_full_rebuild()
