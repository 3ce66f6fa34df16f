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


@job()
def write_after(path: str, seconds: float) -> str:
    """Sleeps, then leaves a mark: a worker killed during the sleep leaves none."""
    import time
    from pathlib import Path

    time.sleep(seconds)
    Path(path).write_text("done")
    return path
