from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, Field

from posyandu.accounts.api import api_scoped
from posyandu.core.numbers import DecimalIn
from posyandu.sasaran.selectors import person_or_404
from posyandu.sesi import danger
from posyandu.sesi.limits import MeasurementRefused
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record

router = Router(tags=["pengukuran"])

# API v1 clients wrote the position as WHO anthro's letters before the schema spelled it out;
# they are still accepted on input (output and storage use the words only).
LEGACY_CARA_UKUR = {
    "L": Pengukuran.CaraUkur.TERLENTANG.value,
    "H": Pengukuran.CaraUkur.BERDIRI.value,
}


def _cara_ukur(value: str) -> str:
    value = LEGACY_CARA_UKUR.get(value, value)
    if value not in ("", *Pengukuran.CaraUkur.values):
        raise ValueError("Cara ukur harus terlentang atau berdiri.")
    return value


# The measuring position of a child's length/height, for every API that records one.
CaraUkurIn = Annotated[
    str,
    AfterValidator(_cara_ukur),
    Field(
        description='"terlentang" (lying length) or "berdiri" (standing height); '
        'the older "L"/"H" are still accepted.'
    ),
]


class PengukuranIn(Schema):
    id: UUID | None = None  # client-generated public_id: a retry returns the stored one
    sasaran_id: UUID
    tanggal: date
    sumber: str = Pengukuran.Sumber.POSYANDU
    berat_kg: DecimalIn = None
    tinggi_cm: DecimalIn = None
    cara_ukur: CaraUkurIn = ""
    lingkar_kepala_cm: DecimalIn = None
    lila_cm: DecimalIn = None
    lingkar_perut_cm: DecimalIn = None
    sistole: int | None = None
    diastole: int | None = None
    edema: bool = False
    tanda_bahaya: list[str] = []  # codes of sesi/rules/tanda_bahaya.json


class PengukuranOut(Schema):
    id: UUID
    sasaran_id: UUID
    tanggal: date
    berat_kg: Decimal | None
    tinggi_cm: Decimal | None
    zwei: float | None
    zlen: float | None
    zwfl: float | None
    kategori: dict
    status_bb: str
    kbm_g: int | None
    perlu_cek_ulang: bool
    alasan_cek_ulang: list
    mesin_versi: str  # growth engine and plausibility rules that computed the result
    tanda_bahaya: list[str]
    rujukan_disarankan: list[str]


@router.post("", response={201: PengukuranOut, 200: PengukuranOut}, summary="Record a measurement")
@api_scoped("personal")
def pengukuran_new(request: HttpRequest, payload: PengukuranIn) -> Status[dict[str, Any]]:
    person = person_or_404(request.user, payload.sasaran_id)
    if payload.sumber not in Pengukuran.Sumber.values:
        raise HttpError(422, "Sumber tidak dikenal.")
    if payload.tanggal < person.tanggal_lahir:
        raise HttpError(422, "Tanggal pengukuran sebelum tanggal lahir.")
    for name in ("berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm", "lingkar_perut_cm"):
        value = getattr(payload, name)
        if value is not None and value <= 0:
            raise HttpError(422, f"{name} harus lebih dari 0.")
    unknown = [c for c in payload.tanda_bahaya if c not in danger.all_codes()]
    if unknown:
        raise HttpError(422, f"Tanda bahaya tidak dikenal: {', '.join(unknown)}.")
    stored = Pengukuran.objects.filter(public_id=payload.id) if payload.id else None
    if stored is not None and stored.exclude(sasaran=person).exists():
        # another person's measurement id: the same answer as an unknown person, so the
        # caller learns nothing about records outside its scope
        raise Http404
    existed = stored is not None and stored.exists()
    values = payload.dict(exclude={"id", "sasaran_id", "tanggal", "sumber"})
    try:
        result = measurement_record(
            sasaran=person,
            tanggal=payload.tanggal,
            by=request.user,
            sumber=payload.sumber,
            public_id=payload.id,
            **values,
        )
    except MeasurementRefused as exc:  # beyond the hard limits (sesi/rules/batas_mutlak.json)
        raise HttpError(422, str(exc)) from exc
    p = result.pengukuran
    body = {
        # model attributes first: `sasaran_id` of the model is the integer key, never sent out
        **{k: getattr(p, k) for k in PengukuranOut.model_fields if hasattr(p, k)},
        "id": p.public_id,
        "sasaran_id": person.public_id,
        "rujukan_disarankan": result.referral_reasons,
    }
    return Status(200 if existed else 201, body)
