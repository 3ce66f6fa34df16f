"""The nightly recompute as a background job: tasks start, fall due and expire by date."""

from typing import Any

from posyandu.audit.context import Actor, acting_as
from posyandu.audit.recorder import log
from posyandu.core.jobs import job, register_periodic
from posyandu.tugas.engine import recompute


@job()
def recompute_tasks() -> dict[str, Any]:
    with acting_as(Actor(via="job:recompute_tasks")):
        result = recompute()
        log("update", model="tugas.Tugas", metadata={"recompute": vars(result)})
    return vars(result)


def register() -> None:
    register_periodic("recompute_tasks", "nightly", recompute_tasks)
