from typing import Any

from django.db.models import Count, Q, QuerySet

from posyandu.accounts.scope import restrict
from posyandu.fasilitas.models import Posyandu, Puskesmas


def posyandu_list(*, user: Any, search: str = "") -> QuerySet[Posyandu]:
    rows = restrict(Posyandu.objects.all(), user, "aggregate")
    if search:
        rows = rows.filter(
            Q(nama__icontains=search) | Q(desa__nama__icontains=search) | Q(kode=search)
        )
    return (
        rows.select_related("desa", "puskesmas")
        .annotate(
            kader_aktif=Count("kader", filter=Q(kader__aktif=True, kader__deleted_at__isnull=True))
        )
        .order_by("desa_id", "nama")
    )


def posyandu_get(*, user: Any, public_id: Any) -> Posyandu:
    """The Posyandu if the user may see it; Posyandu.DoesNotExist otherwise (no leak)."""
    return posyandu_list(user=user).select_related("pustu", "desa__induk").get(public_id=public_id)


def puskesmas_get(*, user: Any, public_id: Any) -> Puskesmas:
    rows = restrict(Puskesmas.objects.all(), user, "aggregate").select_related("kecamatan")
    return rows.get(public_id=public_id)
