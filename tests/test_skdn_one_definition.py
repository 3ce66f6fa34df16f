"""S and D are one definition (sesi.skdn) for the session summary, the report rows and the
targets page: two children weighed in March, one moved away in April. All three show S=2, D=2
for March, and S=1 for April (issue 10: the targets page used to count children active today,
D=1, S=1 for March)."""

from datetime import date
from decimal import Decimal

import pytest

from posyandu.core.periods import parse_period
from posyandu.laporan import selectors as laporan
from posyandu.sasaran.services import sasaran_status_set
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import summary
from posyandu.sesi.services import measurement_record
from posyandu.tugas import targets

MARCH, APRIL = parse_period("2026-03"), parse_period("2026-04")


@pytest.fixture
def march_and_april(world):
    children = [
        SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))
        for _ in range(2)
    ]
    for child in children:
        measurement_record(sasaran=child, tanggal=date(2026, 3, 10), by=None, berat_kg=Decimal("9"))
    sasaran_status_set(sasaran=children[1], status="pindah", sejak=date(2026, 4, 5))
    return world.posyandu_a


@pytest.mark.django_db
def test_march_counts_the_child_who_moved_in_april_everywhere(march_and_april):
    posyandu = march_and_april
    at_session = summary.skdn(posyandu, date(2026, 3, 10))
    assert (at_session.s, at_session.d) == (2, 2)
    report = laporan.total(posyandu=posyandu, month=MARCH).counts
    assert (report["s"], report["d"]) == (2, 2)
    assert targets.ds_ratio([posyandu.pk], date(2026, 3, 1), {}) == {posyandu.pk: (2, 2)}
    row = targets.posyandu_rows([posyandu], date(2026, 3, 1))[0]
    ds = next(p for p in row.progress if p.target.metric == "ds_ratio")
    assert (ds.numerator, ds.denominator) == (2, 2)


@pytest.mark.django_db
def test_april_no_longer_counts_the_child_who_moved(march_and_april):
    posyandu = march_and_april
    at_session = summary.skdn(posyandu, date(2026, 4, 20))
    assert (at_session.s, at_session.d) == (1, 0)
    report = laporan.total(posyandu=posyandu, month=APRIL).counts
    assert (report["s"], report["d"]) == (1, 0)
    assert targets.ds_ratio([posyandu.pk], date(2026, 4, 1), {}) == {posyandu.pk: (0, 1)}
