"""Reads of home visits and of the households to visit, through the scope check."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from posyandu.accounts.scope import restrict
from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.sasaran.models import Sasaran


def visits(*, user: Any) -> QuerySet[KunjunganRumah]:
    qs = KunjunganRumah.objects.select_related("posyandu", "petugas")
    return restrict(qs, user, "personal").prefetch_related("keluarga", "anggota__sasaran")


def visit_get(*, user: Any, public_id: UUID) -> KunjunganRumah:
    return visits(user=user).get(public_id=public_id)


def household_of(*, user: Any, sasaran: Sasaran) -> list[Sasaran]:
    """The person first, then the other active members of their household the user may see."""
    if sasaran.keluarga_id is None:
        return [sasaran]
    others = restrict(
        Sasaran.objects.filter(keluarga_id=sasaran.keluarga_id, status=Sasaran.Status.AKTIF)
        .exclude(pk=sasaran.pk)
        .order_by("tanggal_lahir", "id"),
        user,
        "personal",
    )
    return [sasaran, *others]
