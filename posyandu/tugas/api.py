from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from posyandu.accounts.api import api_scoped
from posyandu.core.pagination import BoundedPagination
from posyandu.tugas import selectors, targets
from posyandu.tugas.models import Tugas

router = Router(tags=["tugas"])


class TugasOut(Schema):
    id: UUID = Field(alias="public_id")
    sasaran_id: UUID = Field(alias="sasaran.public_id")
    sasaran: str = Field(alias="sasaran.nama")
    posyandu: str = Field(alias="posyandu.nama")
    aturan: str
    aturan_versi: str
    alasan: str = Field(alias="reason")
    prioritas: int
    untuk: str
    mulai: date
    jatuh_tempo: date
    kedaluwarsa: date
    status: str


class ProgressOut(Schema):
    target: str
    numerator: int
    denominator: int | None
    value: float | None
    met: bool


class RowOut(Schema):
    name: str
    place: str
    progress: list[ProgressOut]


def _progress(rows: list[targets.Row]) -> list[dict]:
    return [
        {
            "name": r.name,
            "place": r.place,
            "progress": [
                {
                    "target": p.target.code,
                    "numerator": p.numerator,
                    "denominator": p.denominator,
                    "value": p.value,
                    "met": p.met,
                }
                for p in r.progress
            ],
        }
        for r in rows
    ]


@router.get("", response=list[TugasOut], summary="Open tasks of the caller (Tugas saya)")
@api_scoped("personal")
@paginate(BoundedPagination)
def tugas_list(request: HttpRequest, semua: bool = False) -> QuerySet[Tugas]:
    return selectors.open_tasks(user=request.user, today=timezone.localdate(), mine=not semua)


@router.get("/target", response=list[RowOut], summary="Monthly targets per Posyandu")
@api_scoped("aggregate")
def tugas_targets(request: HttpRequest, bulan: str = "") -> list[dict]:
    return _progress(targets.posyandu_progress(user=request.user, month=targets.month_of(bulan)))


@router.get("/{public_id}", response=TugasOut, summary="One task")
@api_scoped("personal")
def tugas_get(request: HttpRequest, public_id: UUID) -> Tugas:
    try:
        return selectors.task_get(user=request.user, public_id=public_id)
    except Tugas.DoesNotExist as exc:
        raise HttpError(404, "Tugas tidak ditemukan.") from exc
