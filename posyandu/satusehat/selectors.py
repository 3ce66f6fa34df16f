"""Reads of the outbox, always through accounts.scope."""

from typing import Any

from django.db.models import Count, QuerySet

from posyandu.accounts.scope import restrict, scope_for
from posyandu.satusehat.models import Kiriman

MAY_SEE = {"puskesmas", "admin"}


def may_see_outbox(user: Any) -> bool:
    """The Puskesmas (who hold the credentials) and the administrator."""
    return bool(scope_for(user).roles & MAY_SEE)


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
