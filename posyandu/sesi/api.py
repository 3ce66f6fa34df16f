from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, Field

from posyandu.accounts.api import api_scoped
from posyandu.core.numbers import DecimalIn
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.selectors import person_or_404
from posyandu.sesi import corrections, danger
from posyandu.sesi.growth import GrowthResult, result_of
from posyandu.sesi.limits import MeasurementRefused, hard_limit_errors
from posyandu.sesi.models import Pengukuran

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
    same_day: Literal["ganti", "tambah"] | None = Field(
        None,
        description="When the person already has a measurement that day: "
        '"ganti" voids it (reason "diganti") and records this one, "tambah" keeps both. '
        "Without it such a request answers 409 with the existing measurement.",
    )


class PengukuranSamaHari(Schema):
    """The person's measurement already recorded that day (a 409 answer)."""

    id: UUID
    tanggal: date
    berat_kg: Decimal | None
    tinggi_cm: Decimal | None
    lila_cm: Decimal | None
    lingkar_kepala_cm: Decimal | None
    lingkar_perut_cm: Decimal | None
    sistole: int | None
    diastole: int | None
    dicatat_pada: datetime


class SamaHariConflict(Schema):
    detail: str
    pengukuran: PengukuranSamaHari


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


def _same_day_body(first: Pengukuran) -> dict[str, Any]:
    names = [n for n in PengukuranSamaHari.model_fields if n not in ("id", "dicatat_pada")]
    return {
        "detail": "Sasaran ini sudah diukur pada tanggal itu. Kirim ulang dengan "
        'same_day "ganti" (menggantikan yang pertama) atau "tambah" (menyimpan keduanya).',
        "pengukuran": {
            **{n: getattr(first, n) for n in names},
            "id": first.public_id,
            "dicatat_pada": first.created_at,
        },
    }


@router.post(
    "",
    response={201: PengukuranOut, 200: PengukuranOut, 409: SamaHariConflict},
    summary="Record a measurement",
    description="A client-generated `id` already stored answers 200 with the stored measurement "
    "(a retry is never a second one). A second measurement of the person on the same day "
    'answers 409 with the first, unless `same_day` says "ganti" or "tambah".',
)
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
    # voided ones too: a retry of a measurement replaced ("ganti") since is still a retry
    first = Pengukuran.all_objects.filter(public_id=payload.id).first() if payload.id else None
    if first is not None and first.sasaran_id != person.pk:
        # another person's measurement id: the same answer as an unknown person, so the
        # caller learns nothing about records outside its scope
        raise Http404
    if first is not None:
        first.sasaran = person
        return Status(200, _out(result_of(first), person))
    values = payload.dict(exclude={"id", "sasaran_id", "tanggal", "sumber", "same_day"})
    refused = hard_limit_errors(  # what cannot be true is a 422 before any same-day question
        values,
        umur_bulan=completed_months(person.tanggal_lahir, payload.tanggal),
        jenis_kelamin=person.jenis_kelamin,
    )
    if refused:
        raise HttpError(422, " ".join(refused.values()))
    if payload.same_day is None:
        earlier = corrections.same_day_measurement(person, payload.tanggal)
        if earlier is not None:
            return Status(409, _same_day_body(earlier))
    try:
        result = corrections.measurement_record_again(
            choice=payload.same_day or corrections.ADD,
            sasaran=person,
            tanggal=payload.tanggal,
            by=request.user,
            sumber=payload.sumber,
            public_id=payload.id,
            **values,
        )
    except MeasurementRefused as exc:  # beyond the hard limits (sesi/rules/batas_mutlak.json)
        raise HttpError(422, str(exc)) from exc
    return Status(201, _out(result, person))


def _out(result: GrowthResult, person: Any) -> dict[str, Any]:
    p = result.pengukuran
    body = {
        # model attributes first: `sasaran_id` of the model is the integer key, never sent out
        **{k: getattr(p, k) for k in PengukuranOut.model_fields if hasattr(p, k)},
        "id": p.public_id,
        "sasaran_id": person.public_id,
        "rujukan_disarankan": result.referral_reasons,
    }
    return body
