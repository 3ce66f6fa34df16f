"""`reevaluate_measurements` rebuilds the stored growth results from the measurements' inputs
(the rebuild command of that derived data, see docs/adr/0005-derived-data.md)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record


@pytest.fixture
def boy(world):
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))


def test_the_rebuild_restores_results_written_around_save(boy):
    for day, kg in (
        (date(2025, 10, 10), 8.0),
        (date(2025, 11, 10), 8.4),
        (date(2025, 12, 10), 8.5),
    ):
        measurement_record(sasaran=boy, tanggal=day, by=None, berat_kg=kg)
    rows = Pengukuran.objects.filter(sasaran=boy).order_by("tanggal")
    stored = list(rows.values_list("status_bb", "zwei"))
    assert [s for s, _ in stored] == ["B", "N", "T"]
    rows.update(status_bb="O", zwei=None)  # a bulk write that bypassed the handlers

    out = StringIO()
    call_command("reevaluate_measurements", "--wilayah", "14.71", stdout=out)
    assert list(rows.values_list("status_bb", "zwei")) == stored
    assert out.getvalue().strip() == "1 people, 3 measurements changed"

    out = StringIO()
    call_command("reevaluate_measurements", "--wilayah", "17.05", stdout=out)
    assert out.getvalue().strip() == "0 people, 0 measurements changed"
