"""Reads for the region browser: what a user may see of the region tree, with counts.

It lives with the facilities (it counts Posyandu and asks accounts for the scope) so that
wilayah stays pure reference data."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from posyandu.accounts.scope import restrict, scope_for
from posyandu.fasilitas.models import Posyandu
from posyandu.wilayah.codes import ancestors_of
from posyandu.wilayah.models import Wilayah


@dataclass(frozen=True)
class RegionRow:
    wilayah: Wilayah
    desa: int
    posyandu: int
    browsable: bool


def browsable_roots(user: Any) -> list[Wilayah]:
    """Where a user's region browser starts: the widest regions they may see."""
    scope = scope_for(user).aggregate
    if scope.everything:
        return list(Wilayah.objects.filter(tingkat=Wilayah.Tingkat.PROVINSI))
    codes = set(scope_for(user).top_regions())
    codes |= set(
        restrict(Posyandu.objects.all(), user, "aggregate").values_list("desa_id", flat=True)
    )
    tops = [c for c in codes if not any(c.startswith(o + ".") for o in codes if o != c)]
    return list(Wilayah.objects.filter(kode__in=tops))


def may_browse(user: Any, kode: str) -> bool:
    access = scope_for(user).aggregate
    if access.covers_region(kode):
        return True
    return restrict(Posyandu.objects.filter(desa_id=kode), user, "aggregate").exists()


def _posyandu_counts(user: Any, parent: str | None, length: int) -> dict[str, int]:
    posyandu = restrict(Posyandu.objects.all(), user, "aggregate")
    if parent:
        posyandu = posyandu.filter(desa__kode__startswith=parent + ".")
    grouped = posyandu.annotate(unit=Substr("desa_id", 1, length)).values("unit")
    return {row["unit"]: row["n"] for row in grouped.annotate(n=Count("id")).values("unit", "n")}


def _desa_counts(parent: str | None, length: int) -> dict[str, int]:
    desa = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.DESA)
    if parent:
        desa = desa.filter(kode__startswith=parent + ".")
    grouped = desa.annotate(unit=Substr("kode", 1, length)).values("unit")
    return {row["unit"]: row["n"] for row in grouped.annotate(n=Count("kode")).values("unit", "n")}


def region_rows(user: Any, regions: list[Wilayah], parent: str | None) -> list[RegionRow]:
    if not regions:
        return []
    length = len(regions[0].kode)
    posyandu = _posyandu_counts(user, parent, length)
    desa = _desa_counts(parent, length) if length < 13 else {}
    return [
        RegionRow(
            wilayah=w,
            desa=desa.get(w.kode, 0),
            posyandu=posyandu.get(w.kode, 0),
            browsable=may_browse(user, w.kode) if length == 13 else True,
        )
        for w in regions
    ]


def breadcrumb(user: Any, kode: str) -> list[tuple[Wilayah, bool]]:
    """The region's ancestors and itself, each with whether the user may open it."""
    regions = Wilayah.objects.filter(kode__in=ancestors_of(kode)).order_by("kode")
    return [(w, may_browse(user, w.kode)) for w in regions]


def children_of(user: Any, kode: str) -> list[Wilayah]:
    if not scope_for(user).aggregate.covers_region(kode):
        return []
    return list(Wilayah.objects.filter(induk_id=kode))


def posyandu_in(user: Any, desa_kode: str) -> QuerySet[Posyandu]:
    return (
        restrict(Posyandu.objects.filter(desa_id=desa_kode), user, "aggregate")
        .select_related("puskesmas", "pustu")
        .annotate(kader_aktif=Count("kader", distinct=True))
    )
