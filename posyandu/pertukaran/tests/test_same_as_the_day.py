"""An import records what the Posyandu day would: the same children measured through the day's
services (one check-in and one measurement at a time) and through an import (a chunk at once)
end with the same growth results, check-ins, aggregates, tasks, SATUSEHAT outbox items and
audit events. If the batch path ever diverged from the day's, these tests would fail."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from posyandu.audit.models import AuditEvent
from posyandu.core.periods import add_months, first_day, month_index
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.models import RekapBulanan, RekapLayanan
from posyandu.pertukaran import bench
from posyandu.pertukaran.services import import_file, target_for
from posyandu.pertukaran.tests import workbooks as wb
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.services import sasaran_create
from posyandu.satusehat.models import Kiriman
from posyandu.sesi.growth import DERIVED_FIELDS, INPUT_FIELDS
from posyandu.sesi.models import Kunjungan, Pengukuran
from posyandu.sesi.services import SessionDateError, checkin, measurement_record, session_open
from posyandu.tugas.models import Tugas
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama", "Tgl Lahir", "JK", "Nama Ibu", "Tgl Ukur", "BB", "TB", "Cara Ukur"]


def _import(world: Any, rows: list[list[Any]]) -> None:
    target = target_for(world.bidan_1, posyandu=world.posyandu_a)
    content = wb.xlsx({"Data": [HEADER, *rows]})
    import_file(content=content, filename="data.xlsx", target=target, by=world.bidan_1)


def _by_day(
    posyandu: Posyandu, person: Sasaran, readings: list[tuple[date, dict[str, Any]]]
) -> None:
    """The Posyandu day: open the day, check the person in, save the measurement."""
    for tanggal, values in readings:
        try:
            sesi = session_open(posyandu=posyandu, tanggal=tanggal, by=None)
        except SessionDateError:  # more than a year ago: a measurement without a check-in
            kunjungan = None
        else:
            kunjungan = checkin(sesi=sesi, sasaran=person)
        measurement_record(sasaran=person, tanggal=tanggal, by=None, kunjungan=kunjungan, **values)


def _twin(world: Any, person: Sasaran) -> Sasaran:
    return sasaran_create(
        posyandu=world.posyandu_a2,
        nama=person.nama,
        tanggal_lahir=person.tanggal_lahir,
        jenis_kelamin=person.jenis_kelamin,
        nama_ibu=person.nama_ibu,
    )


def _measurements(person: Sasaran, saves: bool = True) -> list[dict[str, Any]]:
    """What is stored of each measurement (and, with `saves`, how often it was saved)."""
    fields = ("tanggal", "sumber", *INPUT_FIELDS, *DERIVED_FIELDS, *(["version"] if saves else []))
    rows = Pengukuran.objects.filter(sasaran=person).order_by("tanggal", "id")
    return [
        {f: getattr(p, f) for f in fields} | {"langkah": p.kunjungan and p.kunjungan.langkah}
        for p in rows
    ]


def _checkins(person: Sasaran) -> list[tuple[date, int, int]]:
    rows = Kunjungan.objects.filter(sasaran=person).order_by("sesi__tanggal")
    return [(k.sesi.tanggal, k.langkah, k.version) for k in rows]


def _aggregates(model: Any, posyandu: Posyandu) -> list[dict[str, Any]]:
    rows = model.objects.filter(posyandu=posyandu).order_by("periode", *model._meta.ordering)
    return sorted(
        (model_to_dict(r, exclude=["id", "posyandu", "updated_at"]) for r in rows), key=repr
    )


def _tasks(person: Sasaran) -> list[dict[str, Any]]:
    hidden = ["id", "sasaran", "posyandu", "kunci"]
    return sorted((model_to_dict(t, exclude=hidden) for t in person.tugas.all()), key=repr)


def _outbox(person: Sasaran) -> list[tuple[Any, ...]]:
    rows = Kiriman.objects.filter(sasaran=person).order_by("tanggal", "kelas", "revisi")
    return [(k.jenis, k.tanggal, k.kelas, k.revisi, k.status) for k in rows]


def _events(people: list[Sasaran]) -> Counter[tuple[str, str]]:
    """Audit events of the people and of their check-ins and measurements (not sessions:
    the import opens one per Posyandu day, the day one per person here)."""
    ids = [str(p.public_id) for p in people]
    ids += [str(k.public_id) for k in Kunjungan.objects.filter(sasaran__in=people)]
    ids += [str(m.public_id) for m in Pengukuran.objects.filter(sasaran__in=people)]
    events = AuditEvent.objects.filter(object_id__in=ids)
    return Counter(events.values_list("model", "action"))


def _readings(person: Sasaran) -> list[tuple[date, dict[str, Any]]]:
    rows = Pengukuran.objects.filter(sasaran=person).order_by("tanggal")
    return [(p.tanggal, {f: getattr(p, f) for f in INPUT_FIELDS}) for p in rows]


def test_an_import_ends_as_the_posyandu_day(world, django_capture_on_commit_callbacks):
    data = bench.rows(150, today=TODAY, kecamatan="14.71.01", posyandu=["Melati"], seed=7)
    rows = [[r[1], r[2], r[3], r[4], r[5], r[7], r[8], r[9], r[10]] for r in data]
    with django_capture_on_commit_callbacks(execute=True):
        _import(world, rows)
    imported = list(Sasaran.objects.filter(posyandu=world.posyandu_a).order_by("id"))
    assert len(imported) >= 10
    with django_capture_on_commit_callbacks(execute=True):
        twins = [_twin(world, person) for person in imported]
        for person, twin in zip(imported, twins, strict=True):
            _by_day(world.posyandu_a2, twin, _readings(person))
    for person, twin in zip(imported, twins, strict=True):
        assert _measurements(person) == _measurements(twin)
        assert _checkins(person) == _checkins(twin)
        assert _tasks(person) == _tasks(twin)
        assert _outbox(person) == _outbox(twin)
    assert _aggregates(RekapBulanan, world.posyandu_a) == _aggregates(
        RekapBulanan, world.posyandu_a2
    )
    assert _aggregates(RekapLayanan, world.posyandu_a) == _aggregates(
        RekapLayanan, world.posyandu_a2
    )
    assert _events(imported) == _events(twins)
    statuses = Counter(
        Pengukuran.objects.filter(sasaran__in=imported).values_list("status_bb", flat=True)
    )
    assert statuses["N"] > 0 and statuses["T"] > 0 and statuses["B"] > 0
    assert Tugas.objects.filter(sasaran__in=imported).exists()
    assert Kiriman.objects.filter(sasaran__in=imported).count() > len(imported)


def test_months_imported_before_a_stored_weighing_re_evaluate_it(
    world, django_capture_on_commit_callbacks
):
    """A child weighed on the day last month, then an import of the three months before:
    last month's N/T/O/B now looks back at its previous month, as when a kader types in old
    weighings late."""
    this_month = month_index(TODAY)
    day = [first_day(this_month - k) + timedelta(days=7) for k in (4, 3, 2, 1)]
    born = add_months(day[0], -16)
    weights = ["8,1", "8,6", "8,4"]
    last = (day[3], {"berat_kg": Decimal("8.9")})
    with django_capture_on_commit_callbacks(execute=True):
        child = sasaran_create(
            posyandu=world.posyandu_a, nama="Rudi Hartono", tanggal_lahir=born,
            jenis_kelamin="L", nama_ibu="Wati",
        )  # fmt: skip
        twin = _twin(world, child)
        for person, posyandu in ((child, world.posyandu_a), (twin, world.posyandu_a2)):
            _by_day(posyandu, person, [last])
        assert Pengukuran.objects.get(sasaran=child).status_bb == "B"
    rows = [
        ["", child.nama, born, "L", "Wati", d, w, "", ""]
        for d, w in zip(day, weights, strict=False)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _import(world, rows)
        late = [
            (d, {"berat_kg": Decimal(w.replace(",", "."))})
            for d, w in zip(day, weights, strict=False)
        ]
        _by_day(world.posyandu_a2, twin, late)
    assert [m["status_bb"] for m in _measurements(child)] == ["B", "N", "T", "N"]
    # the same results; the day saved the last one again after each late month, the import once
    assert _measurements(child, saves=False) == _measurements(twin, saves=False)
    assert _tasks(child) == _tasks(twin)
    assert _outbox(child) == _outbox(twin)


def test_values_finer_than_stored_are_evaluated_as_stored_and_reimport_cleanly(world):
    measured = TODAY - timedelta(days=20)
    rows = [[wb.NIK_BOY, "Budi Santoso", "10-03-2025", "L", "Siti", measured, "9,567", "", ""]]
    _import(world, rows)
    p = Pengukuran.objects.get(sasaran__nik=wb.NIK_BOY)
    assert p.berat_kg == Decimal("9.57")
    day = measurement_record(
        sasaran=_twin(world, p.sasaran), tanggal=measured, by=None, berat_kg=Decimal("9.57")
    ).pengukuran
    assert (p.zwei, p.fwei, p.kategori) == (day.zwei, day.fwei, day.kategori)
    target = target_for(world.bidan_1, posyandu=world.posyandu_a)
    content = wb.xlsx({"Data": [HEADER, *rows]})
    again, _batch = import_file(content=content, filename="d.xlsx", target=target, by=world.bidan_1)
    assert again.counts["pengukuran_sama"] == 1 and again.rejected == []
