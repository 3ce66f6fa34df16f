"""Reads of people, always through the caller's scope."""

import re
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from posyandu.accounts.scope import restrict, visible_or_404
from posyandu.sasaran.models import Keluarga, Sasaran


def people_visible(user: Any, *, include_merged: bool = False) -> QuerySet[Sasaran]:
    qs = restrict(Sasaran.objects.select_related("posyandu", "ibu", "keluarga"), user, "personal")
    return qs if include_merged else qs.exclude(status=Sasaran.Status.DIGABUNG)


def person_or_404(
    user: Any,
    public_id: UUID | str,
    *,
    include_merged: bool = False,
    posyandu_id: int | None = None,
) -> Sasaran:
    """The one lookup of a person by id for every view and API: a person outside the user's
    scope (or not at `posyandu_id`, when given) is a 404, as if they did not exist. A merged
    record is found only with `include_merged` (its page says where it went)."""
    qs = Sasaran.objects.select_related("posyandu", "ibu", "keluarga")
    if not include_merged:
        qs = qs.exclude(status=Sasaran.Status.DIGABUNG)
    if posyandu_id is not None:
        qs = qs.filter(posyandu_id=posyandu_id)
    return visible_or_404(qs, user, "personal", public_id=public_id)


def people_search(user: Any, q: str, *, posyandu_id: int | None = None) -> QuerySet[Sasaran]:
    """One box: name, NIK (or its start) or mother's name."""
    qs = people_visible(user)
    if posyandu_id is not None:
        qs = qs.filter(posyandu_id=posyandu_id)
    q = (q or "").strip()
    if not q:
        return qs.none()
    digits = re.sub(r"[ .-]", "", q)
    if digits.isdigit() and len(digits) >= 4:
        return qs.filter(Q(nik__startswith=digits) | Q(nik_ibu__startswith=digits))
    cond = Q()
    for word in q.split():
        cond &= Q(nama__icontains=word) | Q(nama_ibu__icontains=word) | Q(ibu__nama__icontains=word)
    return qs.filter(cond).order_by("nama")


def households_visible(user: Any) -> QuerySet[Keluarga]:
    return restrict(Keluarga.objects.select_related("posyandu", "desa"), user, "personal")


def households_search(user: Any, q: str) -> QuerySet[Keluarga]:
    """Households with their number of live members; `q` matches head, KK, dusun or address."""
    qs = households_visible(user).annotate(
        n_anggota=Count("anggota", filter=Q(anggota__deleted_at__isnull=True))
    )
    for word in (q or "").split():
        qs = qs.filter(
            Q(kepala_keluarga__icontains=word)
            | Q(no_kk__startswith=word)
            | Q(dusun__icontains=word)
            | Q(alamat__icontains=word)
        )
    return qs.order_by("kepala_keluarga", "id")


LEFT = (Sasaran.Status.PINDAH, Sasaran.Status.MENINGGAL)


def present_on_q(day: Any) -> Q:
    """People still served on `day`: active, or moved away / deceased only after that day
    (reports of past months keep counting them up to `status_sejak`). A merged record never."""
    return Q(status=Sasaran.Status.AKTIF) | Q(status__in=LEFT, status_sejak__gt=day)


def present_on(status: str, status_sejak: date | None, day: date) -> bool:
    """`present_on_q` for one person's values, in Python (reports over many months)."""
    if status == Sasaran.Status.AKTIF:
        return True
    return status in LEFT and status_sejak is not None and status_sejak > day
