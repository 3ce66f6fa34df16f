"""DHIS2 as a background job: on the 1st of the month, last month's figures of the regions a
deployment names in DHIS2_PUSH_WILAYAH are pushed (dry run first, as from the command)."""

from django.conf import settings

from posyandu.audit.context import Actor, acting_as
from posyandu.core.jobs import job, register_periodic
from posyandu.core.periods import current_month
from posyandu.dhis2.services import push_run


@job()
def push_last_month() -> dict[str, str]:
    if not settings.DHIS2_BASE_URL or not settings.DHIS2_PUSH_WILAYAH:
        return {"skipped": "DHIS2_BASE_URL or DHIS2_PUSH_WILAYAH is not set"}
    month = current_month() - 1
    outcome = {}
    with acting_as(Actor(via="job:dhis2_push")):
        for kode in settings.DHIS2_PUSH_WILAYAH:
            outcome[kode] = push_run(user=None, kode=kode, month=month).hasil
    return outcome


def register() -> None:
    register_periodic("dhis2_push_last_month", "monthly", push_last_month)
