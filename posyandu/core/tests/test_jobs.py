"""Background jobs: enqueued in the database, run by the worker, retried after a failure, and
the calendar jobs the apps register."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from posyandu.core.jobs import periodic
from posyandu.core.tests import jobs_for_tests as sample

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def come_due() -> None:
    """The retry's delay has passed (the worker takes only jobs whose run_after is past)."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_a_job_runs_in_the_worker_and_keeps_its_result() -> None:
    result = sample.add.enqueue(2, 3)
    run_worker()
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL" and stored.return_value == 5


def test_a_failing_job_is_retried_later_then_left_failed() -> None:
    sample.FAILURES_LEFT["flaky"] = 10
    sample.flaky.enqueue("x")
    run_worker()
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED" and "not yet" in first.traceback
    assert retry.status == "READY" and retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after is not None and (retry.run_after - first.enqueued_at).seconds >= 60
    # After the last delay the job stays failed: 1 + len(delays) attempts in all.
    for _ in range(5):
        come_due()
        run_worker()
    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["FAILED", "FAILED", "FAILED"]


def test_a_job_that_succeeds_on_retry_stops_retrying() -> None:
    sample.FAILURES_LEFT["flaky"] = 1
    sample.flaky.enqueue("y")
    run_worker()
    come_due()
    run_worker()
    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL"]


def test_the_calendar_jobs_of_the_apps_are_registered_and_enqueued() -> None:
    names = {(p.when, p.name) for p in periodic()}
    assert {("nightly", "recompute_tasks"), ("nightly", "laporan_current_month")} <= names
    assert {("monthly", "laporan_last_year"), ("monthly", "dhis2_push_last_month")} <= names
    assert ("often", "satusehat_push") in names
    call_command("enqueue_jobs", "nightly", stdout=StringIO())
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == {p.job.module_path for p in periodic("nightly")}
    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_outbox_job_waits_for_credentials(settings) -> None:
    settings.SATUSEHAT_CREDENTIALS = {}
    call_command("enqueue_jobs", "often", stdout=StringIO())
    run_worker()
    (done,) = DBTaskResult.objects.all()
    assert done.status == "SUCCESSFUL"
    assert done.return_value == {"skipped": "SATUSEHAT_CREDENTIALS is not set"}
