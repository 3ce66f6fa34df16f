from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from posyandu.accounts.api import api_scoped
from posyandu.imunisasi.selectors import idl_status, status_of, td_status_of
from posyandu.imunisasi.services import DoseError, dose_record
from posyandu.sasaran.selectors import person_or_404

router = Router(tags=["imunisasi"])


class DoseIn(Schema):
    vaksin: str
    tanggal: date
    tempat: str = "posyandu"
    diberikan_di_sini: bool = True
    nama_tempat: str = ""
    batch: str = ""
    # A dose outside its schedule is refused (422, saying why) unless a reason confirms it.
    alasan_di_luar_jadwal: str = Field("", max_length=200)


class DoseOut(Schema):
    id: UUID
    vaksin: str
    tanggal: date
    di_luar_jadwal: bool = False


class DoseStatusOut(Schema):
    code: str
    status: str
    earliest: date | None
    due: date
    due_until: date
    latest: date
    given_on: date | None


class StatusOut(Schema):
    doses: list[DoseStatusOut]
    idl_lengkap: bool
    idl_tepat_waktu: bool
    idl_kurang: list[str]
    baduta_lengkap: bool
    td_status: str


@router.post("/{sasaran_id}/dosis", response={201: DoseOut}, summary="Record a dose")
@api_scoped("personal")
def record_dose(request: HttpRequest, sasaran_id: UUID, payload: DoseIn) -> Status[dict[str, Any]]:
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    try:
        row = dose_record(
            sasaran=sasaran, by=request.user, today=timezone.localdate(), **payload.dict()
        )
    except DoseError as e:
        raise HttpError(422, str(e)) from None
    return Status(
        201,
        {
            "id": row.public_id,
            "vaksin": row.vaksin,
            "tanggal": row.tanggal,
            "di_luar_jadwal": row.di_luar_jadwal,
        },
    )


@router.get("/{sasaran_id}/status", response=StatusOut, summary="Immunization status on a day")
@api_scoped("personal")
def immunization_status(
    request: HttpRequest, sasaran_id: UUID, tanggal: date | None = None
) -> dict[str, Any]:
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    on = tanggal or timezone.localdate()
    idl = idl_status(sasaran)
    return {
        "doses": [d.__dict__ for d in status_of(sasaran, on)],
        "idl_lengkap": idl.lengkap,
        "idl_tepat_waktu": idl.tepat_waktu,
        "idl_kurang": list(idl.kurang),
        "baduta_lengkap": idl.baduta_lengkap,
        "td_status": td_status_of(sasaran).label,
    }
