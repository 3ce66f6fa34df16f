from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from posyandu.accounts.api import api_scoped, api_signed_in
from posyandu.sasaran.selectors import person_or_404
from posyandu.skrining import engine
from posyandu.skrining.messages import errors_by_field
from posyandu.skrining.models import HasilSkrining
from posyandu.skrining.services import ScreeningInputError, screening_record

router = Router(tags=["skrining"])


class ResultIn(Schema):
    definisi: str
    tanggal: date | None = None
    jawaban: dict[str, Any]


class ResultOut(Schema):
    id: UUID
    definisi: str
    definisi_versi: str
    tanggal: date
    kategori: str
    tingkat: str
    perlu_rujuk: bool
    alasan: list[str]
    nilai: dict[str, Any]


def _out(row: HasilSkrining) -> dict[str, Any]:
    return {
        "id": row.public_id,
        **{k: getattr(row, k) for k in ResultOut.model_fields if k != "id"},
    }


@router.get("/definisi", summary="Screening definitions (default versions)")
@api_signed_in("definitions are public guideline data, no personal data")
def definitions(request: HttpRequest) -> list[dict[str, Any]]:
    return engine.default_definitions()


@router.post("/{sasaran_id}/hasil", response={201: ResultOut}, summary="Record a screening")
@api_scoped("personal")
def record_result(
    request: HttpRequest, sasaran_id: UUID, payload: ResultIn
) -> Status[dict[str, Any]]:
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    try:
        engine.definition(payload.definisi)
    except KeyError:
        raise HttpError(404, "Skrining tidak dikenal.") from None
    try:
        row = screening_record(
            sasaran=sasaran,
            definition_id=payload.definisi,
            raw=payload.jawaban,
            by=request.user,
            tanggal=payload.tanggal or timezone.localdate(),
        )
    except ScreeningInputError as e:
        text = "; ".join(f"{k}: {v}" for k, v in errors_by_field(e.errors).items())
        raise HttpError(422, text) from None
    return Status(201, _out(row))


@router.get("/{sasaran_id}/hasil", response=list[ResultOut], summary="A person's screenings")
@api_scoped("personal")
def list_results(request: HttpRequest, sasaran_id: UUID) -> list[dict[str, Any]]:
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    return [_out(r) for r in HasilSkrining.objects.filter(sasaran=sasaran)]
