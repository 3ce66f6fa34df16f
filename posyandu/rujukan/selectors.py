"""Reads of referrals, always through the caller's scope."""

from typing import Any

from django.db.models import QuerySet

from posyandu.accounts.scope import restrict
from posyandu.rujukan.models import Rujukan


def referrals_visible(user: Any) -> QuerySet[Rujukan]:
    qs = Rujukan.objects.select_related("sasaran__posyandu", "tujuan_puskesmas", "tujuan_pustu")
    return restrict(qs, user, "personal")
