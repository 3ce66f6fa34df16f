from datetime import date
from uuid import UUID

from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from posyandu.accounts.api import api_scoped
from posyandu.accounts.scope import restrict
from posyandu.audit.recorder import log_read
from posyandu.core.pagination import BoundedPagination
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.bounds import birth_date_error
from posyandu.sasaran.forms import kecamatan_exists
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.nik import clean_nik, mask_nik, nik_errors, nik_warnings
from posyandu.sasaran.selectors import nik_lookup, people_search, people_visible, person_or_404
from posyandu.sasaran.services import sasaran_create

router = Router(tags=["sasaran"])


class SasaranOut(Schema):
    id: UUID = Field(alias="public_id")
    nama: str
    jenis_kelamin: str
    tanggal_lahir: date
    tanggal_lahir_perkiraan: bool
    nik: str | None
    nama_ibu: str
    posyandu_id: UUID = Field(alias="posyandu.public_id")
    status: str
    version: int


class SasaranListOut(SasaranOut):
    """A person in a list: the NIK masked (1471********0001); the full NIK only on the audited
    read of one person (GET /sasaran/{id})."""

    @staticmethod
    def resolve_nik(obj: Sasaran) -> str | None:
        return mask_nik(obj.nik) or None


class SasaranIn(Schema):
    id: UUID | None = None  # client-generated public_id: a retry does not duplicate
    posyandu_id: UUID
    nama: str
    jenis_kelamin: str
    tanggal_lahir: date
    tanggal_lahir_perkiraan: bool = False
    nik: str | None = None
    nama_ibu: str = ""
    nik_ibu: str = ""
    telepon: str = ""
    persetujuan_oleh: str
    persetujuan_tujuan: list[str] = ["pelayanan"]


class SasaranCreated(Schema):
    sasaran: SasaranOut
    warnings: list[str]


@router.get(
    "", response=list[SasaranListOut], summary="People the caller may see (search: q), NIK masked"
)
@api_scoped("personal")
@paginate(BoundedPagination)
def sasaran_list(request: HttpRequest, q: str = "") -> QuerySet[Sasaran]:
    return people_search(request.user, q) if q else people_visible(request.user).order_by("id")


@router.get("/{public_id}", response=SasaranOut, summary="One person")
@api_scoped("personal")
def sasaran_detail(request: HttpRequest, public_id: UUID) -> Sasaran:
    person = person_or_404(request.user, public_id, include_merged=True)
    log_read(
        "api:sasaran.detail",
        rows=1,
        model=Sasaran._meta.label,
        object_id=str(person.public_id),
        wilayah_kode=person.wilayah_kode(),
        metadata={"nik_shown": bool(person.nik)},
    )
    return person


@router.post("", response={201: SasaranCreated, 200: SasaranCreated}, summary="Register a person")
@api_scoped("personal")
def sasaran_new(request: HttpRequest, payload: SasaranIn) -> Status[dict[str, object]]:
    if payload.id is not None:
        existing = people_visible(request.user, include_merged=True).filter(public_id=payload.id)
        if existing.exists():
            return Status(200, {"sasaran": existing.get(), "warnings": []})
    posyandu = get_object_or_404(
        restrict(Posyandu.objects.all(), request.user, "personal"), public_id=payload.posyandu_id
    )
    if payload.jenis_kelamin not in ("L", "P"):
        raise HttpError(422, "Jenis kelamin harus L atau P.")
    born_error = birth_date_error(payload.tanggal_lahir, timezone.localdate())
    if born_error:
        raise HttpError(422, born_error)
    nik = clean_nik(payload.nik or "") or None
    warnings: list[str] = []
    if nik:
        errors = nik_errors(nik, kecamatan_exists=kecamatan_exists)
        if errors:
            raise HttpError(422, " ".join(errors))
        # The national lookup: rate limited, audited, and silent about other regions.
        lookup = nik_lookup(request.user, nik, via="api")
        if lookup.found == "limited":
            raise HttpError(429, "Terlalu banyak pemeriksaan NIK. Tunggu sebentar lalu coba lagi.")
        if lookup.found == "visible" and lookup.person is not None:
            raise HttpError(409, f"NIK ini sudah terdaftar: {lookup.person.public_id}.")
        if lookup.found == "elsewhere":
            raise HttpError(
                409,
                "NIK ini sudah terdaftar di Posyandu yang tidak dapat Anda lihat. Ajukan "
                "permintaan pindah masuk; bidan Posyandu tersebut yang memutuskan.",
            )
        warnings = nik_warnings(
            nik, tanggal_lahir=payload.tanggal_lahir, jenis_kelamin=payload.jenis_kelamin
        )
    fields = payload.dict(exclude={"id", "posyandu_id", "persetujuan_oleh", "persetujuan_tujuan"})
    fields["nik"] = nik
    if payload.id is not None:
        fields["public_id"] = payload.id
    try:
        person = sasaran_create(
            posyandu=posyandu,
            by=request.user,
            consent={
                "diberikan_oleh": payload.persetujuan_oleh,
                "tujuan": payload.persetujuan_tujuan,
            },
            **fields,
        )
    except IntegrityError as exc:
        raise HttpError(409, "Data bentrok dengan data yang sudah ada (NIK atau id).") from exc
    return Status(201, {"sasaran": person, "warnings": [str(w) for w in warnings]})
