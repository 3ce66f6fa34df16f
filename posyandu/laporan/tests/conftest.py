from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from posyandu.core import derived
from posyandu.laporan.tests.factories import child, weigh
from posyandu.sasaran.models import Sasaran


@pytest.fixture(autouse=True)
def _june_2025():
    with time_machine.travel(date(2025, 6, 15), tick=False):
        yield


@dataclass
class Skdn:
    children: dict[str, Sasaran]


@pytest.fixture
def skdn_world(world):
    """Posyandu A of the world, April 2025 (last day 30 April). Expected counts in tests."""
    # The derived data (monthly aggregates, coverage) follow once at the end instead of after
    # each of the 30 saves: a third of the time, and the same rows (core.derived guarantees
    # it; test_incremental_rows_equal_a_full_rebuild checks saves one by one).
    with derived.batch():
        a = world.posyandu_a
        c = {}
        # N: 14 months at the April weighing, KBM 200 g, gain exactly 200 g. A later height-only
        # measurement is the month's last measurement (nutrition reads it, not the weighing).
        c["n"] = child(a, date(2024, 1, 10), "L")
        weigh(c["n"], date(2025, 3, 5), "7.00")
        weigh(c["n"], date(2025, 4, 5), "7.20", zlen=-2.5, zwfl=-3.2, zwei=-2.1)
        weigh(c["n"], date(2025, 4, 25), None, tinggi_cm="70.0", zlen=-1.5)
        # T in March and T in April: 2T.
        c["t2"] = child(a, date(2024, 1, 10), "P")
        weigh(c["t2"], date(2025, 2, 3), "6.90")
        weigh(c["t2"], date(2025, 3, 3), "6.95")
        weigh(c["t2"], date(2025, 4, 3), "7.00", zlen=-3.1, zwfl=-1.0, zwei=-2.5)
        # O: weighed in January, not in March.
        c["o"] = child(a, date(2023, 6, 1), "L")
        weigh(c["o"], date(2025, 1, 10), "10.00")
        weigh(c["o"], date(2025, 4, 10), "10.50", zlen=0.0, zwfl=2.1, zwei=0.5)
        # B: first weighing ever, twice in April; the last (20 April) counts.
        c["b"] = child(a, date(2025, 1, 2), "P")
        weigh(c["b"], date(2025, 4, 3), "6.00", zlen=-4.0)
        weigh(c["b"], date(2025, 4, 20), "6.20", zwei=-0.3)
        # Turns 60 months on 30 April: not in S of April (still in S of March).
        c["sixty"] = child(a, date(2020, 4, 30), "L")
        weigh(c["sixty"], date(2025, 4, 10), "15.00")
        # 59 months on 30 April: in S, not weighed, no KMS.
        c["59"] = child(a, date(2020, 5, 1), "P", punya_buku_kia=False)
        # Moved away on 10 April: in S of March, not of April.
        c["moved"] = child(
            a, date(2023, 1, 1), "L", status="pindah", status_sejak=date(2025, 4, 10)
        )
        weigh(c["moved"], date(2025, 4, 5), "11.00")
        # Merged into another record: never counted.
        c["merged"] = child(a, date(2023, 1, 1), "L", status="digabung")
        weigh(c["merged"], date(2025, 4, 5), "11.00")
        # Flagged (implausible WAZ): in D (N: +500 g), under `flagged`, in no prevalence.
        c["flag"] = child(a, date(2023, 2, 1), "P")
        weigh(c["flag"], date(2025, 3, 15), "9.00")
        weigh(c["flag"], date(2025, 4, 15), "9.50", zlen=-4.0, zwei=-6.5, fwei=True)
        # Month boundary: first weighed on 31 March (B in March), same weight on 1 April (T).
        c["edge"] = child(a, date(2024, 2, 1), "L")
        weigh(c["edge"], date(2025, 3, 31), "8.00")
        weigh(c["edge"], date(2025, 4, 1), "8.00", zlen=-2.0, zwfl=-2.0, zwei=-2.01)
        # Born on the last day of April: in S (0 months). Born 1 May: not.
        c["newborn"] = child(a, date(2025, 4, 30), "P")
        c["may"] = child(a, date(2025, 5, 1), "P")
        # Another Posyandu of the same desa: counts for the desa, not for Posyandu A.
        c["other"] = child(world.posyandu_a2, date(2024, 5, 5), "L", punya_buku_kia=False)
        weigh(c["other"], date(2025, 4, 8), "9.00", zlen=-2.2)
    return Skdn(children=c)
