"""The aggregates' calendar as background jobs: the current month every night (silent
Posyandu-months get their rows before anyone opens a dashboard), the last twelve monthly."""

from posyandu.core.jobs import job, register_periodic
from posyandu.core.periods import current_month
from posyandu.laporan.build import rebuild


@job()
def rebuild_current_month() -> dict[str, int]:
    month = current_month()
    return rebuild(start=month, end=month)


@job()
def rebuild_last_year() -> dict[str, int]:
    end = current_month()
    return rebuild(start=end - 11, end=end)


def register() -> None:
    register_periodic("laporan_current_month", "nightly", rebuild_current_month)
    register_periodic("laporan_last_year", "monthly", rebuild_last_year)
