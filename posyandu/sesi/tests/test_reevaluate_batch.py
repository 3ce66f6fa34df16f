"""A weighing entered or corrected before later ones re-evaluates them in one batch
(sesi.growth.measurements_reevaluate): the same results as evaluating them again one by one,
oldest first, each saved before the next looks back at it."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from posyandu.audit.models import AuditEvent
from posyandu.core import derived
from posyandu.core.corrections import record_correct
from posyandu.sasaran.tests.factories import SasaranFactory
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


def test_a_corrected_first_weighing_re_evaluates_the_later_ones_as_one_by_one(world):
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
            tinggi_cm=Decimal("76.0") + i,
        )
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
