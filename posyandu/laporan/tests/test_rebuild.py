"""laporan_rebuild runs the report tables first, then the steps apps above laporan register."""

import pytest

from posyandu.core.periods import parse_period
from posyandu.laporan import registry
from posyandu.laporan.build import rebuild
from posyandu.laporan.models import RekapBulanan

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_step():
    calls: list[tuple[str, int, int]] = []

    def step(prefix: str, month: int) -> int:
        # Registered steps read the report tables: they must be rebuilt already.
        calls.append((prefix, month, RekapBulanan.objects.filter(periode__isnull=False).count()))
        return 1

    saved = registry.rebuild_steps()
    registry.register_rebuild_step("test", step)
    yield calls
    registry._steps[:] = saved


def test_registered_steps_run_after_the_tables_for_every_month(world, recorded_step):
    start, end = parse_period("2025-03"), parse_period("2025-04")
    written = rebuild(prefix="14.71.01", start=start, end=end)
    assert list(written) == ["rekap", "cakupan", "strata", "test"]
    # Three Posyandu in the kecamatan x two sexes x two months.
    assert written["rekap"] == 12 and written["strata"] == 6 and written["test"] == 2
    assert recorded_step == [("14.71.01", start, 12), ("14.71.01", end, 12)]


def test_registering_a_name_again_replaces_its_step(recorded_step):
    registry.register_rebuild_step("test", lambda prefix, month: 7)
    names = [s.name for s in registry.rebuild_steps()]
    assert names.count("test") == 1 and names[-1] == "test"
