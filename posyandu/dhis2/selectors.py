"""Reads of the stored DHIS2 pushes for a user (aggregate scope of the push's region)."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from posyandu.accounts.scope import restrict
from posyandu.dhis2.models import Pengiriman


def pushes_for(user: Any) -> QuerySet[Pengiriman]:
    return restrict(Pengiriman.objects.all(), user, "aggregate")


def push_get(*, user: Any, pk: int) -> Pengiriman:
    """One push the user may see; 404 otherwise (missing and out of scope alike)."""
    return get_object_or_404(pushes_for(user), pk=pk)
