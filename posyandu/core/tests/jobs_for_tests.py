"""Jobs used by test_jobs.py (a job must live at module level to be found by the worker)."""

from posyandu.core.jobs import job

FAILURES_LEFT: dict[str, int] = {}


@job()
def add(a: int, b: int) -> int:
    return a + b


@job(retry_delays=(60, 3600))
def flaky(label: str) -> str:
    if FAILURES_LEFT.get("flaky", 0) > 0:
        FAILURES_LEFT["flaky"] -= 1
        raise RuntimeError("not yet")
    return label
