from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from posyandu.accounts.api import api_scoped
from posyandu.core.pagination import BoundedPagination
from posyandu.fasilitas import selectors
from posyandu.fasilitas.models import Posyandu

router = Router(tags=["fasilitas"])


class PosyanduOut(Schema):
    id: UUID = Field(alias="public_id")
    nama: str
    desa_kode: str = Field(alias="desa_id")
    desa_nama: str = Field(alias="desa.nama")
    puskesmas: str = Field(alias="puskesmas.nama")
    is_prima: bool
    organization_type: str
    satusehat_org_id: str
    kader_aktif: int


@router.get("/posyandu", response=list[PosyanduOut], summary="Posyandu the caller may see")
@api_scoped("aggregate")
@paginate(BoundedPagination)
def posyandu_list(request: HttpRequest, q: str = "") -> QuerySet[Posyandu]:
    return selectors.posyandu_list(user=request.user, search=q)


@router.get("/posyandu/{public_id}", response=PosyanduOut, summary="One Posyandu")
@api_scoped("aggregate")
def posyandu_detail(request: HttpRequest, public_id: UUID) -> Posyandu:
    try:
        return selectors.posyandu_get(user=request.user, public_id=public_id)
    except Posyandu.DoesNotExist as exc:
        raise HttpError(404, "Posyandu tidak ditemukan.") from exc
