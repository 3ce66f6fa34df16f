"""SKDN and nutrition of hand-built children (see conftest.skdn_world), April 2025."""

from datetime import date

import pytest

from posyandu.core.periods import parse_period
from posyandu.laporan import selectors
from posyandu.laporan.build import rekap_bulanan
from posyandu.laporan.skdn import FIELDS
from posyandu.sasaran.life_stage import completed_months

APRIL, MARCH = parse_period("2025-04"), parse_period("2025-03")

EXPECTED_APRIL_A = {
    "s": 8, "k": 7, "d": 6, "n": 2, "t": 2, "o": 1, "b": 1, "t2": 1,
    "diukur": 5, "stunting": 1, "stunting_berat": 1, "wasting": 0, "wasting_berat": 0,
    "underweight": 2, "overweight": 1, "flagged": 1, "n_haz": 4, "n_whz": 3, "n_waz": 4,
}  # fmt: skip


def test_completed_months_at_birthdays():
    assert completed_months(date(2020, 4, 30), date(2025, 4, 30)) == 60
    assert completed_months(date(2020, 5, 1), date(2025, 4, 30)) == 59
    assert completed_months(date(2025, 1, 31), date(2025, 2, 28)) == 0
    assert completed_months(date(2025, 1, 31), date(2025, 3, 1)) == 1
    assert completed_months(date(2025, 4, 30), date(2025, 4, 30)) == 0
    assert completed_months(date(2025, 5, 1), date(2025, 4, 30)) == -1


@pytest.mark.django_db
def test_skdn_and_nutrition_of_posyandu_a_in_april(world, skdn_world):
    got = selectors.total(posyandu=world.posyandu_a, month=APRIL).counts
    assert got == EXPECTED_APRIL_A
    assert got["d"] == got["n"] + got["t"] + got["o"] + got["b"]


@pytest.mark.django_db
def test_march_counts_the_moved_child_and_the_child_not_yet_sixty(world, skdn_world):
    got = selectors.total(posyandu=world.posyandu_a, month=MARCH).counts
    # S: n, t2, o, b, sixty, 59, moved, flag, edge (merged, newborn and may are out).
    # D: n (first weighing: B), t2 (T after T? February was B, so no 2T), flag (B), edge (B).
    assert (got["s"], got["k"]) == (9, 8)
    assert (got["d"], got["n"], got["t"], got["o"], got["b"], got["t2"]) == (4, 0, 1, 0, 3, 0)


@pytest.mark.django_db
def test_desa_sums_its_posyandu_and_the_total_row(world, skdn_world):
    units = selectors.units_below(kode="14.71.01.1001", month=APRIL)
    by_name = {u.nama: u.figures.counts for u in units}
    assert by_name["Posyandu Melati"] == EXPECTED_APRIL_A
    assert by_name["Posyandu Mawar"]["s"] == 1
    assert by_name["Posyandu Mawar"]["d"] == 1
    assert by_name["Posyandu Mawar"]["b"] == 1
    assert by_name["Posyandu Mawar"]["stunting"] == 1
    desa = selectors.total(kode="14.71.01.1001", month=APRIL).counts
    assert desa["s"] == 9 and desa["d"] == 7 and desa["k"] == 7
    kecamatan = selectors.units_below(kode="14.71.01", month=APRIL)
    assert [(u.kode, u.figures["s"]) for u in kecamatan] == [
        ("14.71.01.1001", 9),
        ("14.71.01.1002", 0),
    ]


@pytest.mark.django_db
def test_small_numbers_show_counts_not_percentages(world, skdn_world):
    units = selectors.units_below(kode="14.71.01.1001", month=APRIL)
    mawar = next(u for u in units if u.nama == "Posyandu Mawar")
    assert mawar.figures["s"] == 1 and mawar.figures.small
    assert mawar.figures.ratios()["ds"] is None
    melati = selectors.total(posyandu=world.posyandu_a, month=APRIL)
    assert melati.ratios()["ds"] == 75.0  # 6 of 8
    assert melati.ratios()["stunting"] == 25.0  # 1 of the 4 with a HAZ


def _snapshot():
    from posyandu.laporan.models import RekapBulanan

    return {
        (r.posyandu_id, r.periode, r.jk): tuple(getattr(r, f) for f in FIELDS)
        for r in RekapBulanan.objects.order_by("id")
    }


@pytest.mark.django_db
def test_incremental_rows_equal_a_full_rebuild(world, skdn_world):
    from posyandu.laporan.tests.factories import child, weigh
    from posyandu.sesi.models import Pengukuran

    start, end = parse_period("2024-12"), parse_period("2025-06")
    rekap_bulanan.rekap_rebuild(start=start, end=end)
    c = skdn_world.children
    # A backdated first weighing turns April's B into O; a changed date, a deletion,
    # a status change, a move to another Posyandu and a new child.
    weigh(c["b"], date(2025, 2, 20), "5.00")
    edge = Pengukuran.objects.filter(sasaran=c["edge"]).order_by("tanggal").first()
    assert edge is not None
    edge.tanggal = date(2025, 2, 27)
    edge.save()
    Pengukuran.objects.filter(sasaran=c["t2"], tanggal=date(2025, 3, 3)).get().delete()
    c["o"].status, c["o"].status_sejak = "meninggal", date(2025, 5, 2)
    c["o"].save()
    c["n"].posyandu = world.posyandu_a2
    c["n"].save()
    late = child(world.posyandu_a, date(2024, 8, 8), "P")
    weigh(late, date(2025, 5, 5), "8.00", zlen=-2.5)
    incremental = _snapshot()
    rekap_bulanan.rekap_rebuild(start=start, end=end)
    assert _snapshot() == incremental
    april = selectors.total(posyandu=world.posyandu_a, month=APRIL).counts
    # b, edge (no March weighing now), t2 (March deleted) and o (died in May) are O.
    assert (april["b"], april["o"], april["s"]) == (0, 4, 8)
