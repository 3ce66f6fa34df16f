"""Referral API: list (scoped), create, and the Puskesmas's feedback (umpan balik)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from posyandu.accounts.api import api_scoped
from posyandu.accounts.scope import can_answer_referrals
from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.selectors import referrals_visible
from posyandu.rujukan.services import referral_create, referral_feedback
from posyandu.sasaran.selectors import person_or_404

router = Router(tags=["rujukan"])


class RujukanIn(Schema):
    sasaran_id: UUID
    alasan: str
    aturan: list[str] = []
    tanggal: date | None = None
    ke_pustu: bool = False  # to the Posyandu's Pustu instead of the Puskesmas


class UmpanBalikIn(Schema):
    # ditangani | tidak_datang | dirujuk_lanjut | rujuk_balik (saran_kader required)
    hasil: str
    umpan_balik: str
    saran_kader: str = ""
    # The version the answer was written from (RujukanOut.version): another answer saved
    # since then makes this one 409 instead of silently replacing it.
    version: int | None = Field(None, ge=1)


class RujukanOut(Schema):
    id: UUID
    sasaran_id: UUID
    sasaran_nama: str
    posyandu: str
    tanggal: date
    aturan: list[str]
    alasan: str
    tujuan_puskesmas: str
    tujuan_pustu: str | None
    status: str
    umpan_balik: str
    hasil: str
    saran_kader: str
    tanggal_umpan_balik: date | None
    version: int


def _out(r: Rujukan) -> dict[str, Any]:
    return {
        "id": r.public_id,
        "sasaran_id": r.sasaran.public_id,
        "sasaran_nama": r.sasaran.nama,
        "posyandu": r.sasaran.posyandu.nama,
        "tanggal": r.tanggal,
        "aturan": r.aturan,
        "alasan": r.alasan,
        "tujuan_puskesmas": r.tujuan_puskesmas.nama,
        "tujuan_pustu": r.tujuan_pustu.nama if r.tujuan_pustu else None,
        "status": r.status,
        "umpan_balik": r.umpan_balik,
        "hasil": r.hasil,
        "saran_kader": r.saran_kader,
        "tanggal_umpan_balik": r.tanggal_umpan_balik,
        "version": r.version,
    }


@router.get("", response=list[RujukanOut], summary="Referrals the caller may see")
@api_scoped("personal")
def referral_list(
    request: HttpRequest, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    qs = referrals_visible(request.user)
    if status == "terbuka":
        qs = qs.filter(status__in=[Rujukan.Status.DIKIRIM, Rujukan.Status.DITERIMA])
    elif status:
        qs = qs.filter(status=status)
    return [_out(r) for r in qs[: max(1, min(limit, 500))]]


@router.get("/{rujukan_id}", response=RujukanOut, summary="One referral")
@api_scoped("personal")
def referral_detail(request: HttpRequest, rujukan_id: UUID) -> dict[str, Any]:
    return _out(get_object_or_404(referrals_visible(request.user), public_id=rujukan_id))


@router.post("", response={201: RujukanOut}, summary="Refer a person")
@api_scoped("personal")
def referral_new(request: HttpRequest, payload: RujukanIn) -> Status[dict[str, Any]]:
    person = person_or_404(request.user, payload.sasaran_id)
    if not payload.alasan.strip():
        raise HttpError(422, "Alasan rujukan wajib diisi.")
    if payload.ke_pustu and person.posyandu.pustu_id is None:
        raise HttpError(422, "Posyandu ini tidak mempunyai Pustu; rujuk ke Puskesmas.")
    rujukan = referral_create(
        sasaran=person,
        alasan=payload.alasan,
        aturan=payload.aturan,
        by=request.user,
        tanggal=payload.tanggal or timezone.localdate(),
    )
    if not payload.ke_pustu and rujukan.tujuan_pustu_id:
        rujukan.tujuan_pustu = None
        rujukan.save(update_fields=["tujuan_pustu"])
    return Status(201, _out(rujukan))


@router.post("/{rujukan_id}/umpan-balik", response=RujukanOut, summary="Record the feedback")
@api_scoped("personal")
def referral_answer(
    request: HttpRequest, rujukan_id: UUID, payload: UmpanBalikIn
) -> dict[str, Any]:
    rujukan = get_object_or_404(referrals_visible(request.user), public_id=rujukan_id)
    if not can_answer_referrals(request.user):
        raise HttpError(403, "Umpan balik diisi oleh Puskesmas atau bidan.")
    try:
        referral_feedback(
            rujukan=rujukan,
            hasil=payload.hasil,
            umpan_balik=payload.umpan_balik,
            saran_kader=payload.saran_kader,
            by=request.user,
            tanggal=timezone.localdate(),
            version=payload.version,
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return _out(rujukan)
