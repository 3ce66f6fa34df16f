"""Background jobs: enqueued in the database, run by the worker, retried after a failure, and
the calendar jobs the apps register."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from posyandu.core.jobs import STALLED, periodic, recover_stalled
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


def lose_the_worker(result_id: str, minutes_ago: int, attempt: int | None = None) -> None:
    """As if a worker claimed the job `minutes_ago` and was then killed."""
    stored = DBTaskResult.objects.get(id=result_id)
    stored.claim("worker-killed")
    stored.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    if attempt:
        stored.args_kwargs["kwargs"]["attempt"] = attempt
    stored.save()


def test_a_job_that_lost_its_worker_is_failed_and_run_again(settings) -> None:
    settings.JOB_STALL_MINUTES = 180
    result = sample.add.enqueue(4, 5)
    lose_the_worker(str(result.id), minutes_ago=179)
    assert recover_stalled() == []  # still within the limit: maybe just slow
    lose_the_worker(str(result.id), minutes_ago=181)
    (again,) = recover_stalled()
    stalled = DBTaskResult.objects.get(id=result.id)
    assert stalled.status == "FAILED" and stalled.exception_class_path == STALLED
    assert "worker-killed" in stalled.traceback
    assert again.status == "READY" and again.args_kwargs == {
        "args": [4, 5],
        "kwargs": {"attempt": 2},
    }
    run_worker()
    assert DBTaskResult.objects.get(id=again.id).return_value == 9


def test_a_job_that_stalled_on_its_last_attempt_stays_failed(settings) -> None:
    settings.JOB_STALL_MINUTES = 10
    result = sample.add.enqueue(1, 1)
    lose_the_worker(str(result.id), minutes_ago=11, attempt=4)
    assert recover_stalled() == []
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]


def test_the_admin_runs_a_failed_job_again(admin_client) -> None:
    sample.FAILURES_LEFT["flaky"] = 10
    sample.flaky.enqueue("z")
    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    sample.FAILURES_LEFT["flaky"] = 0
    DBTaskResult.objects.filter(status="READY").delete()  # the automatic retry, not needed here
    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200 and "flaky" in page.content.decode()
    detail = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.id}/change/")
    assert "RuntimeError: not yet" in detail.content.decode()
    answer = admin_client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "run_again", "index": 0, "_selected_action": [str(failed.id)]},
        follow=True,
    )
    assert "1 pekerjaan diantrekan lagi." in answer.content.decode()
    run_worker()
    assert DBTaskResult.objects.get(status="SUCCESSFUL").return_value == "z"
