from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from posyandu.accounts.api import api_scoped
from posyandu.core.numbers import DecimalIn
from posyandu.core.pagination import BoundedPagination
from posyandu.core.registry import open_tasks_of_people, tasks_closed_by_visit
from posyandu.kunjungan_rumah import selectors
from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.kunjungan_rumah.services import HomeVisitError, MemberInput, home_visit_record
from posyandu.sasaran.selectors import person_or_404
from posyandu.sesi.api import CaraUkurIn

router = Router(tags=["kunjungan rumah"])


class AnggotaOut(Schema):
    sasaran_id: UUID = Field(alias="sasaran.public_id")
    nama: str = Field(alias="sasaran.nama")
    tahap: str
    ceklis: dict[str, bool]


class KunjunganOut(Schema):
    id: UUID = Field(alias="public_id")
    posyandu: str = Field(alias="posyandu.nama")
    tanggal: date
    bertemu: bool
    temuan: str
    tindakan: str
    tindak_lanjut: str
    anggota: list[AnggotaOut]
    tugas_ditutup: list[UUID]

    @staticmethod
    def resolve_anggota(obj: KunjunganRumah) -> list:
        return list(obj.anggota.all())

    @staticmethod
    def resolve_tugas_ditutup(obj: KunjunganRumah) -> list[UUID]:
        return [t.public_id for t in tasks_closed_by_visit(obj)]


class AnggotaIn(Schema):
    sasaran_id: UUID
    ceklis: dict[str, bool] = {}
    catatan: str = ""
    berat_kg: DecimalIn = None
    tinggi_cm: DecimalIn = None
    cara_ukur: CaraUkurIn = ""
    lila_cm: DecimalIn = None
    sistole: int | None = None
    diastole: int | None = None


class KunjunganIn(Schema):
    tanggal: date
    anggota: list[AnggotaIn]
    bertemu: bool = True
    temuan: str = ""
    tindakan: str = ""
    tindak_lanjut: str = KunjunganRumah.TindakLanjut.TIDAK_ADA
    tanggal_tindak_lanjut: date | None = None
    tugas: list[UUID] = []


@router.get("", response=list[KunjunganOut], summary="Home visits the caller may see")
@api_scoped("personal")
@paginate(BoundedPagination)
def kunjungan_list(request: HttpRequest) -> QuerySet[KunjunganRumah]:
    return selectors.visits(user=request.user)


@router.get("/{public_id}", response=KunjunganOut, summary="One home visit")
@api_scoped("personal")
def kunjungan_get(request: HttpRequest, public_id: UUID) -> KunjunganRumah:
    try:
        return selectors.visit_get(user=request.user, public_id=public_id)
    except KunjunganRumah.DoesNotExist as exc:
        raise HttpError(404, "Kunjungan rumah tidak ditemukan.") from exc


@router.post(
    "", response={201: KunjunganOut}, summary="Record a home visit; closes the tasks listed"
)
@api_scoped("personal")
def kunjungan_create(request: HttpRequest, payload: KunjunganIn) -> Status[KunjunganRumah]:
    members = []
    for item in payload.anggota:
        try:
            person = person_or_404(request.user, item.sasaran_id, include_merged=True)
        except Http404 as exc:
            raise HttpError(404, "Sasaran tidak ditemukan.") from exc
        values = item.dict(exclude={"sasaran_id", "ceklis", "catatan"})
        members.append(MemberInput(person, item.ceklis, item.catatan, values))
    if not members:
        raise HttpError(422, "Pilih minimal satu anggota keluarga yang dikunjungi.")
    wanted = {str(u) for u in payload.tugas}
    tasks = [
        t
        for t in open_tasks_of_people(
            request.user, [m.sasaran.pk for m in members], timezone.localdate()
        )
        if str(t.public_id) in wanted
    ]
    try:
        visit = home_visit_record(
            by=request.user,
            posyandu=members[0].sasaran.posyandu,
            keluarga=members[0].sasaran.keluarga,
            tanggal=payload.tanggal,
            members=members,
            bertemu=payload.bertemu,
            temuan=payload.temuan,
            tindakan=payload.tindakan,
            tindak_lanjut=payload.tindak_lanjut,
            tanggal_tindak_lanjut=payload.tanggal_tindak_lanjut,
            tugas=tasks,
        )
    except HomeVisitError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, visit)
