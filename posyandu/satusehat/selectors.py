"""Reads of the outbox, always through accounts.scope."""

from typing import Any

from django.db.models import Count, QuerySet

from posyandu.accounts.scope import restrict, sends_to_satusehat
from posyandu.satusehat.models import Kiriman


def may_see_outbox(user: Any) -> bool:
    """The Puskesmas (who hold the credentials) and the administrator."""
    return sends_to_satusehat(user)


def outbox_items(user: Any, status: str | None = None) -> QuerySet[Kiriman]:
    qs = restrict(Kiriman.objects.all(), user, "personal").select_related("sasaran__posyandu")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-diubah", "-id")


def outbox_counts(user: Any) -> dict[str, int]:
    rows = (
        restrict(Kiriman.objects.all(), user, "personal").values("status").annotate(n=Count("id"))
    )
    return {r["status"]: r["n"] for r in rows}
