"""Reads of people, always through the caller's scope."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from posyandu.accounts.scope import restrict, visible_or_404
from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.core import ratelimit
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Keluarga, PermintaanPindah, Persetujuan, Sasaran
from posyandu.sasaran.nik import mask_nik


# A person's mother and household by a query of their own, not a join: on a Citus cluster
# they may live in another kab/kota than the person (docs/scaling.md).
def _with_family(qs: QuerySet[Sasaran]) -> QuerySet[Sasaran]:
    return qs.select_related("posyandu").prefetch_related("ibu", "keluarga")


def people_visible(user: Any, *, include_merged: bool = False) -> QuerySet[Sasaran]:
    qs = restrict(_with_family(Sasaran.objects.all()), user, "personal")
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
    qs = _with_family(Sasaran.objects.all())
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
        # the linked mother's name: in the person's kab/kota, where a cluster can look
        mother = Sasaran.objects.filter(
            pk=OuterRef("ibu_id"), kabkota_kode=OuterRef("kabkota_kode"), nama__icontains=word
        )
        cond &= Q(nama__icontains=word) | Q(nama_ibu__icontains=word) | Q(Exists(mother))
    return qs.filter(cond).order_by("nama")


def households_visible(user: Any) -> QuerySet[Keluarga]:
    return restrict(Keluarga.objects.select_related("posyandu", "desa"), user, "personal")


def households_search(user: Any, q: str) -> QuerySet[Keluarga]:
    """Households with their number of live members; `q` matches head, KK, dusun or address."""
    members_counted = (
        Sasaran.objects.filter(keluarga=OuterRef("pk"), kabkota_kode=OuterRef("kabkota_kode"))
        .values("keluarga")
        .annotate(n=Count("pk"))
        .values("n")
    )  # a subquery in the household's kab/kota, not a join (docs/scaling.md)
    qs = households_visible(user).annotate(n_anggota=Coalesce(Subquery(members_counted), 0))
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


@dataclass(frozen=True)
class NikLookup:
    """Where a NIK stands for this user. `person` is set only when the user may see them:
    a NIK registered outside the user's scope says "elsewhere" and nothing more (no name, no
    Posyandu, no region)."""

    found: Literal["none", "visible", "elsewhere", "limited"]
    person: Sasaran | None = None


def nik_lookup_allowed(user: Any) -> bool:
    """Counts one NIK lookup against each of the user's limits (settings.NIK_LOOKUP_RATES)."""
    key = f"user:{getattr(user, 'pk', None)}"
    rates = getattr(settings, "NIK_LOOKUP_RATES", ["20/10m", "200/d"])
    return all([ratelimit.allow(f"nik-lookup:{rate}:{key}", rate) for rate in rates])


def nik_lookup(user: Any, nik: str, *, exclude_pk: int | None = None, via: str) -> NikLookup:
    """Is `nik` registered (on another record than `exclude_pk`)? The one national lookup of a
    NIK: rate limited per user and audited (who asked, which NIK masked, what was found; the
    event carries the found person's region, so that region's auditors see it)."""
    if not nik_lookup_allowed(user):
        log(
            AuditEvent.Action.NIK_LOOKUP,
            model=Sasaran._meta.label,
            metadata={"nik": mask_nik(nik), "found": "limited", "form": via},
            user=user,
        )
        return NikLookup("limited")
    qs = Sasaran.objects.filter(nik=nik)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.select_related("posyandu").first()
    visible = (
        existing is not None
        and people_visible(user, include_merged=True).filter(pk=existing.pk).exists()
    )
    result: NikLookup
    if existing is None:
        result = NikLookup("none")
    elif visible:
        result = NikLookup("visible", existing)
    else:
        result = NikLookup("elsewhere")
    log(
        AuditEvent.Action.NIK_LOOKUP,
        model=Sasaran._meta.label,
        object_id=str(existing.public_id) if existing is not None else "",
        wilayah_kode=existing.wilayah_kode() if existing is not None else "",
        metadata={"nik": mask_nik(nik), "found": result.found, "form": via},
        user=user,
    )
    return result


def transfer_requests_to_decide(user: Any) -> QuerySet[PermintaanPindah]:
    """Requests for people of the user's area (their current Posyandu is in scope)."""
    return restrict(
        PermintaanPindah.objects.select_related("sasaran", "dari_posyandu", "ke_posyandu"),
        user,
        "personal",
    ).order_by("status", "-created_at")


def transfer_requests_sent(user: Any) -> QuerySet[PermintaanPindah]:
    """Requests to move someone INTO one of the user's Posyandu (what they asked for)."""
    mine = restrict(Posyandu.objects.all(), user, "personal")
    return (
        PermintaanPindah.objects.filter(ke_posyandu__in=mine)
        .select_related("ke_posyandu")
        .order_by("-created_at")
    )


def has_consent(person: Sasaran, purpose: str) -> bool:
    """A consent for `purpose` (Persetujuan.Tujuan) that is not withdrawn."""
    live = Persetujuan.objects.filter(sasaran=person, dicabut__isnull=True)
    return any(purpose in (tujuan or []) for tujuan in live.values_list("tujuan", flat=True))
