"""A Posyandu where nothing was entered for months still reports its children in S and K."""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from posyandu.core.periods import month_index
from posyandu.laporan import jobs, selectors
from posyandu.laporan.models import RekapBulanan
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.services import measurement_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_child(world):
    with time_machine.travel(date(2025, 1, 10), tick=False):
        child = SasaranFactory.create(posyandu=world.posyandu_b, tanggal_lahir=date(2024, 1, 5))
        measurement_record(
            sasaran=child, tanggal=date(2025, 1, 10), by=world.admin, berat_kg="9.00"
        )
    return child


def skdn_row(period: str) -> list[str]:
    out = io.StringIO()
    call_command("report", "skdn", "--wilayah", "14.71.01.1002", "--period", period,
                 "--user", "admin_1", stdout=out)  # fmt: skip
    return out.getvalue().splitlines()[-1].split(",")


def test_report_counts_children_of_a_silent_month(quiet_child):
    with time_machine.travel(date(2025, 6, 15), tick=False):
        # kode,nama,S,K,D,N,T,O,B,2T: 15 months old, active, with a KMS, not weighed in April
        assert skdn_row("2025-04") == ["14.71.01.1002", "TOTAL", "1", "1", "0", "0", "0", "0",
                                       "0", "0"]  # fmt: skip


def test_dashboard_counts_children_of_a_silent_month_after_the_nightly_job(quiet_child, world):
    # Nothing entered from February on: the nightly job writes each current month's rows.
    for day in (date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)):
        with time_machine.travel(day, tick=False):
            jobs.rebuild_current_month.call()
    with time_machine.travel(date(2025, 6, 15), tick=False):
        figures = selectors.total(posyandu=world.posyandu_b, month=month_index(date(2025, 4, 1)))
        assert (figures["s"], figures["k"], figures["d"]) == (1, 1, 0)
        trend = dict(selectors.trend(kode="14.71.01", end=month_index(date(2025, 5, 1)), months=5))
        periods = ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05")
        assert [trend[p]["s"] for p in periods] == [1, 1, 1, 1, 1]
        # The province page reads the per-region sums: the same figures.
        province = dict(selectors.trend(kode="14", end=month_index(date(2025, 5, 1)), months=5))
        assert [province[p]["s"] for p in periods] == [1, 1, 1, 1, 1]


def test_a_page_view_writes_no_rows(quiet_child, world, client):
    """Reads only read: a silent month stays empty until the build or the job fills it."""
    with time_machine.travel(date(2025, 6, 15), tick=False):
        before = RekapBulanan.objects.count()
        client.force_login(world.admin)
        assert client.get("/laporan/wilayah/14/?periode=2025-04").status_code == 200
        assert RekapBulanan.objects.count() == before
