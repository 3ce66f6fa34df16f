"""The region browser in the API (/api/v1/wilayah), mounted by config/api.py."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from posyandu.accounts.api import api_scoped
from posyandu.fasilitas import browser
from posyandu.wilayah.models import Wilayah

router = Router(tags=["wilayah"])


class RegionOut(Schema):
    kode: str
    nama: str
    tingkat: str
    desa: int
    posyandu: int


class RegionDetailOut(Schema):
    kode: str
    nama: str
    tingkat: str
    children: list[RegionOut]


def _rows(rows: list[browser.RegionRow]) -> list[RegionOut]:
    return [
        RegionOut(
            kode=r.wilayah.kode,
            nama=r.wilayah.nama,
            tingkat=r.wilayah.tingkat,
            desa=r.desa,
            posyandu=r.posyandu,
        )
        for r in rows
    ]


@router.get("", response=list[RegionOut], summary="The widest regions the caller may see")
@api_scoped("aggregate")
def roots(request: HttpRequest) -> list[RegionOut]:
    return _rows(browser.region_rows(request.user, browser.browsable_roots(request.user), None))


@router.get("/{kode}", response=RegionDetailOut, summary="A region and its sub-regions")
@api_scoped("aggregate")
def region(request: HttpRequest, kode: str) -> RegionDetailOut:
    current = Wilayah.objects.filter(kode=kode).first()
    if current is None:
        raise HttpError(404, "Wilayah tidak ditemukan.")
    if not browser.may_browse(request.user, kode):
        raise HttpError(403, "Wilayah ini di luar wilayah kerja Anda.")
    children = browser.children_of(request.user, kode)
    return RegionDetailOut(
        kode=current.kode,
        nama=current.nama,
        tingkat=current.tingkat,
        children=_rows(browser.region_rows(request.user, children, kode)),
    )
