"""A weighing entered or corrected before later ones re-evaluates them in one batch
(sesi.growth.measurements_reevaluate): the same results as evaluating them again one by one,
oldest first, each saved before the next looks back at it."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from posyandu.audit.models import AuditEvent
from posyandu.core import derived
from posyandu.core.corrections import record_correct
from posyandu.core.periods import last_day, month_index
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import growth
from posyandu.sesi.growth import DERIVED_FIELDS, INPUT_FIELDS, measurement_evaluate
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record
from tests.clock import TODAY

WEIGHTS = ["8.0", "8.6", "8.4", "8.45", "9.9", "9.2"]


def one_by_one(child) -> list[tuple]:
    """The reference: what re-evaluating each measurement on its own gives, in date order."""
    results = []
    for p in Pengukuran.objects.filter(sasaran=child).order_by("tanggal", "id"):
        fresh = measurement_evaluate(
            sasaran=child,
            tanggal=p.tanggal,
            exclude_pk=p.pk,
            tanda_bahaya=p.tanda_bahaya,
            **{f: getattr(p, f) for f in INPUT_FIELDS},
        ).pengukuran
        for f in DERIVED_FIELDS:
            setattr(p, f, getattr(fresh, f))
        p.save()
        results.append(tuple(getattr(p, f) for f in DERIVED_FIELDS))
    return results


def stored(child) -> list[tuple]:
    rows = Pengukuran.objects.filter(sasaran=child).order_by("tanggal", "id")
    return [tuple(getattr(p, f) for f in DERIVED_FIELDS) for p in rows]


def weighed_monthly(world, *, lengths: bool):
    """A boy weighed every 31 days (WEIGHTS), measured lengths too when asked."""
    child = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=700), jenis_kelamin="L"
    )
    start = TODAY - timedelta(days=31 * len(WEIGHTS))
    for i, weight in enumerate(WEIGHTS):
        measurement_record(
            sasaran=child,
            tanggal=start + timedelta(days=31 * i),
            by=world.kader_a,
            berat_kg=Decimal(weight),
            tinggi_cm=Decimal("76.0") + i if lengths else None,
        )
    return child


def test_a_corrected_first_weighing_re_evaluates_the_later_ones_as_one_by_one(world):
    child = weighed_monthly(world, lengths=True)
    before = stored(child)
    first, _second, third, *_later = Pengukuran.objects.filter(sasaran=child).order_by("tanggal")
    events = AuditEvent.objects.filter(model="sesi.Pengukuran").count()

    with CaptureQueriesContext(connection) as queries, derived.batch():
        # two corrections, one re-evaluation from the day after the first
        for p, weight in ((first, "8.9"), (third, "8.0")):  # second N to T, fourth T to N
            record_correct(p, by=world.bidan_1, reason="salah baca", changes={"berat_kg": weight})

    after = stored(child)
    status = DERIVED_FIELDS.index("status_bb")
    assert [row[status] for row in before] == ["B", "N", "T", "T", "N", "T"]
    assert [row[status] for row in after] == ["B", "T", "T", "N", "N", "T"]
    # an audit event for each correction, one for each measurement re-evaluated (2nd, 4th)
    assert AuditEvent.objects.filter(model="sesi.Pengukuran").count() == events + 4
    # ... the re-evaluated ones written together: their history read once, their events in one
    # INSERT (besides the corrections' own)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith('INSERT INTO "audit_auditevent"') for s in sql) == 3
    assert after == one_by_one(child)


def test_corrected_values_re_evaluate_only_what_looks_back_at_them_and_stay_right(world):
    """A corrected weight or length re-evaluates the next measurement and the next month's
    weighings, not every later one (sesi.listeners.measurement_keys_many); random corrections
    over months with gaps and two weighings in a month still leave every stored result what
    re-evaluating them all one by one gives."""
    child = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=800), jenis_kelamin="P"
    )
    start = TODAY - timedelta(days=400)
    days = [start + timedelta(days=d) for d in (0, 12, 31, 75, 80, 140, 200, 205, 262, 330)]
    for i, day in enumerate(days):
        measurement_record(
            sasaran=child,
            tanggal=day,
            by=world.kader_a,
            berat_kg=Decimal("8.0") + Decimal(i) / 5,
            tinggi_cm=Decimal("74.0") + i,
        )
    rng = random.Random(3)
    kinds = set()
    for _ in range(12):
        p = rng.choice(list(Pengukuran.objects.filter(sasaran=child)))
        field = rng.choice(["berat_kg", "tinggi_cm"])
        value = getattr(p, field) + Decimal(rng.choice(["-0.6", "-0.2", "0.3", "0.9"]))
        record_correct(p, by=world.bidan_1, reason="salah baca", changes={field: value})
        kinds.add(field)
        assert stored(child) == one_by_one(child)
    assert kinds == {"berat_kg", "tinggi_cm"}


def test_a_corrected_weight_leaves_measurements_that_do_not_look_back_at_it(world, monkeypatch):
    child = weighed_monthly(world, lengths=False)
    first = Pengukuran.objects.filter(sasaran=child).order_by("tanggal").first()
    evaluated = []
    original = growth.measurements_evaluate

    def counting(readings, **kwargs):
        evaluated.append(len(readings))
        return original(readings, **kwargs)

    monkeypatch.setattr(growth, "measurements_evaluate", counting)
    record_correct(first, by=world.bidan_1, reason="salah baca", changes={"berat_kg": "8.9"})
    # the correction itself, then the one weighing of the next month (not the other four)
    assert evaluated == [1, 1]


def test_a_corrected_length_re_checks_the_next_measurement_two_months_later(world):
    """Plausibility looks back at the last measurement up to 62 days before, which can lie
    beyond the next month: the next measurement is re-evaluated wherever it is."""
    child = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=700), jenis_kelamin="L"
    )
    end_of_month = last_day(month_index(TODAY) - 4)
    for day, length in ((end_of_month, "80.0"), (end_of_month + timedelta(days=59), "81.0")):
        measurement_record(
            sasaran=child, tanggal=day, by=world.kader_a, berat_kg="10.5", tinggi_cm=length
        )
    first, second = Pengukuran.objects.filter(sasaran=child).order_by("tanggal")
    assert month_index(second.tanggal) == month_index(first.tanggal) + 2
    assert not second.perlu_cek_ulang

    record_correct(first, by=world.bidan_1, reason="salah baca", changes={"tinggi_cm": "83.0"})

    second.refresh_from_db()
    assert second.alasan_cek_ulang == ["pb_turun"]  # 83.0 -> 81.0 cm: shorter by 2 cm
    assert stored(child) == one_by_one(child)
