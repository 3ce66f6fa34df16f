from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from posyandu.accounts.api import api_scoped
from posyandu.accounts.scope import restrict
from posyandu.core.pagination import BoundedPagination
from posyandu.kader.models import Kader

router = Router(tags=["kader"])


class KaderOut(Schema):
    id: UUID = Field(alias="public_id")
    nama: str
    posyandu_id: UUID = Field(alias="posyandu.public_id")
    posyandu: str = Field(alias="posyandu.nama")
    aktif: bool


@router.get("", response=list[KaderOut], summary="Kader of the Posyandu the caller serves")
@api_scoped("personal")
@paginate(BoundedPagination)
def kader_list(request: HttpRequest) -> QuerySet[Kader]:
    return restrict(Kader.objects.select_related("posyandu"), request.user, "personal")
