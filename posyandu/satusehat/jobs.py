"""The SATUSEHAT outbox as a background job: every few minutes the worker sends what waits."""

from typing import Any

from django.conf import settings

from posyandu.audit.context import Actor, acting_as
from posyandu.core.jobs import job, register_periodic
from posyandu.satusehat import push


@job()
def push_outbox() -> dict[str, Any]:
    """One pass over the outbox; items keep their own retry times (push.py), so a failed
    pass needs no job retry of its own beyond the usual ones."""
    if not settings.SATUSEHAT_CREDENTIALS:
        return {"skipped": "SATUSEHAT_CREDENTIALS is not set"}
    with acting_as(Actor(via="job:satusehat_push")):
        result = push.push_once()
    return dict(result.counts)


def register() -> None:
    register_periodic("satusehat_push", "often", push_outbox)
