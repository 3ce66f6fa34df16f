"""Maternal-care API: register a pregnancy, record an ANC visit, read a pregnancy summary."""

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from posyandu.accounts.api import api_scoped
from posyandu.accounts.scope import restrict
from posyandu.core.numbers import DecimalIn
from posyandu.kia.models import Kehamilan
from posyandu.kia.selectors import pregnancy_summary
from posyandu.kia.services import KiaError, anc_record, pregnancy_register
from posyandu.sasaran.selectors import person_or_404

router = Router(tags=["kia"])


class KehamilanIn(Schema):
    sasaran_id: UUID
    tanggal_daftar: date
    hpht: date | None = None
    usg_tanggal: date | None = None
    # bounds of a plausible obstetric history (an ultrasound dates a pregnancy of 4-42 weeks)
    usg_minggu: int | None = Field(None, ge=4, le=42)
    usg_hari: int = Field(0, ge=0, le=6)
    gravida: int = Field(1, ge=1, le=20)
    paritas: int = Field(0, ge=0, le=20)
    abortus: int = Field(0, ge=0, le=20)
    persalinan_terakhir: date | None = None
    riwayat: list[str] = []


class AncIn(Schema):
    tanggal: date
    oleh_dokter: bool = False
    berat_kg: DecimalIn = None
    lila_cm: DecimalIn = None
    sistole: int | None = None
    diastole: int | None = None
    hb: DecimalIn = None
    ttd_tablet: int = 0
    tempat: str = ""


class RisikoOut(Schema):
    code: str
    detail: str


class RingkasanOut(Schema):
    id: UUID
    sasaran_id: UUID
    tanggal: date
    status: str
    dasar: str
    hpht: date | None
    hpl: date
    usia_kehamilan_minggu: int
    usia_kehamilan_hari: int
    trimester: int
    anc_kunjungan: int
    anc_per_trimester: list[int]
    anc_wajib: list[int]
    anc_kurang: list[str]
    k6_lengkap: bool
    risiko: list[RisikoOut]
    ttd_total: int
    kenaikan_bb_kg: float | None


class AncOut(Schema):
    id: UUID
    tanggal: date
    ringkasan: RingkasanOut


def _pregnancies(request: HttpRequest) -> QuerySet[Kehamilan]:
    return restrict(Kehamilan.objects.select_related("sasaran"), request.user, "personal")


def _summary(k: Kehamilan, on: date) -> dict[str, Any]:
    s = pregnancy_summary(k, on)
    return {
        "id": k.public_id,
        "sasaran_id": k.sasaran.public_id,
        "tanggal": on,
        "status": k.status,
        "dasar": k.dasar,
        "hpht": k.hpht,
        "hpl": k.hpl,
        "usia_kehamilan_minggu": s.ga_weeks,
        "usia_kehamilan_hari": s.ga_days,
        "trimester": s.trimester,
        "anc_kunjungan": s.anc.visits,
        "anc_per_trimester": list(s.anc.per_trimester),
        "anc_wajib": list(s.anc.required),
        "anc_kurang": s.anc.missing,
        "k6_lengkap": s.anc.k6_lengkap,
        "risiko": [{"code": r.code, "detail": r.detail} for r in s.risks],
        "ttd_total": s.ttd_total,
        "kenaikan_bb_kg": s.weight_gain_kg,
    }


@router.post("/kehamilan", response={201: RingkasanOut}, summary="Register a pregnancy")
@api_scoped("personal")
def pregnancy_new(request: HttpRequest, payload: KehamilanIn) -> Status[dict[str, Any]]:
    person = person_or_404(request.user, payload.sasaran_id)
    try:
        k = pregnancy_register(
            sasaran=person, by=request.user, **payload.dict(exclude={"sasaran_id"})
        )
    except KiaError as e:
        raise HttpError(422, str(e)) from None
    return Status(201, _summary(k, payload.tanggal_daftar))


@router.post("/kehamilan/{kehamilan_id}/anc", response={201: AncOut}, summary="Record an ANC visit")
@api_scoped("personal")
def anc_new(request: HttpRequest, kehamilan_id: UUID, payload: AncIn) -> Status[dict[str, Any]]:
    k = get_object_or_404(_pregnancies(request), public_id=kehamilan_id)
    try:
        visit = anc_record(kehamilan=k, by=request.user, **payload.dict())
    except KiaError as e:
        raise HttpError(422, str(e)) from None
    k.refresh_from_db()
    return Status(
        201,
        {
            "id": visit.public_id,
            "tanggal": visit.tanggal,
            "ringkasan": _summary(k, visit.tanggal),
        },
    )


@router.get(
    "/kehamilan/{kehamilan_id}", response=RingkasanOut, summary="Pregnancy summary on a day"
)
@api_scoped("personal")
def pregnancy_read(
    request: HttpRequest, kehamilan_id: UUID, tanggal: date | None = None
) -> dict[str, Any]:
    k = get_object_or_404(_pregnancies(request), public_id=kehamilan_id)
    return _summary(k, tanggal or timezone.localdate())
