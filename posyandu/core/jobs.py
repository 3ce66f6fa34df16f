"""Background jobs: django-tasks (the interface of Django's own tasks framework) with its
database backend, so jobs wait in the same database on SQLite and PostgreSQL and an enqueue
commits or rolls back with the change that asked for it.

`manage.py db_worker` runs them. A job that raises is retried after a growing delay, then left
failed for the admin (Admin → Django Tasks DB → task results, with the traceback). A job whose
worker died while running it (kill -9, power loss) would stay RUNNING for ever: `recover_stalled`
marks it failed and runs it again. Calendar jobs (often, nightly, monthly) are registered here by
the apps and enqueued by `manage.py enqueue_jobs` from a timer (deploy/systemd)."""

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Seconds before the 2nd, 3rd and 4th attempt; after the last one the job stays failed.
RETRY_DELAYS = (60, 600, 3600)

# often: every few minutes (outboxes); nightly; monthly (1st of the month).
When = Literal["often", "nightly", "monthly"]


def job(
    *, queue: str = "default", retry_delays: tuple[int, ...] = RETRY_DELAYS
) -> Callable[..., Task]:
    """Decorate a module-level function as a job that retries itself after a failure."""

    def decorate(function: Callable[..., Any]) -> Task:
        @functools.wraps(function)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception:
                if attempt <= len(retry_delays):
                    later = timezone.now() + timedelta(seconds=retry_delays[attempt - 1])
                    the_job.using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
                    logger.warning(
                        "job %s failed, attempt %d, retried at %s",
                        function.__qualname__,
                        attempt,
                        later,
                    )
                raise

        the_job: Task = task(queue_name=queue)(run)
        return the_job

    return decorate


@dataclass(frozen=True)
class Periodic:
    name: str
    when: When
    job: Task


_periodic: list[Periodic] = []


def register_periodic(name: str, when: When, the_job: Task) -> None:
    """Called from an app's AppConfig.ready(): `the_job` takes no arguments."""
    if not any(p.name == name for p in _periodic):
        _periodic.append(Periodic(name, when, the_job))


def periodic(when: When | None = None) -> list[Periodic]:
    return [p for p in _periodic if when is None or p.when == when]


STALLED = "posyandu.core.jobs.Stalled"


def rerun(result: DBTaskResult, *, attempt: int | None = None) -> DBTaskResult:
    """Enqueue the job of `result` again with the same arguments, to run now."""
    kwargs = dict(result.args_kwargs["kwargs"])
    if attempt is not None:
        kwargs["attempt"] = attempt
    again = result.task.using(run_after=None).enqueue(*result.args_kwargs["args"], **kwargs)
    return DBTaskResult.objects.get(id=again.id)


def recover_stalled(now: datetime | None = None) -> list[DBTaskResult]:
    """Jobs RUNNING for longer than JOB_STALL_MINUTES lost their worker: mark each failed and
    enqueue it again as its next attempt, unless it has used all of its attempts. Returns the
    new jobs. The limit must exceed the longest job (a province's yearly rebuild: minutes)."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.JOB_STALL_MINUTES)
    retried = []
    with transaction.atomic():
        stalled = DBTaskResult.objects.select_for_update().filter(
            status="RUNNING", started_at__lt=limit
        )
        for result in stalled:
            result.status = "FAILED"
            result.finished_at = now
            result.exception_class_path = STALLED
            result.traceback = (
                f"The worker {', '.join(result.worker_ids)} stopped while running this job "
                f"(started {result.started_at:%Y-%m-%d %H:%M:%S %Z}); it was not finished.\n"
            )
            result.save(
                update_fields=["status", "finished_at", "exception_class_path", "traceback"]
            )
            attempt = int(result.args_kwargs["kwargs"].get("attempt", 1))
            if attempt <= len(RETRY_DELAYS):
                retried.append(rerun(result, attempt=attempt + 1))
            logger.warning("job %s stalled since %s", result.task_path, result.started_at)
    return retried
