"""Applying the changes a device sends (docs/offline.md section 2): each change in its own
transaction, exactly once (the ledger `Perubahan`, keyed by the client's change id), through
the same services as the web screens, with the same scope rules. An edit made from an older
version than the stored one becomes a `Konflik` with both versions; nothing is overwritten."""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.accounts.scope import may_correct, restrict
from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.core import registry
from posyandu.core.concurrency import StaleRecord
from posyandu.core.corrections import CorrectionError, record_correct, record_void, values_of
from posyandu.core.numbers import NotANumber, parse_decimal
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.services import DoseError, DoseOutsideSchedule, dose_record
from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.services import referral_create
from posyandu.sasaran.duplicates import Candidate, likely_duplicates
from posyandu.sasaran.forms import SasaranEditForm, SasaranForm
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import people_visible
from posyandu.sasaran.services import sasaran_register, sasaran_update
from posyandu.sesi import corrections as sesi_corrections
from posyandu.sesi import danger
from posyandu.sesi.growth import GrowthResult
from posyandu.sesi.limits import MeasurementRefused, hard_limit_errors
from posyandu.sesi.models import Kunjungan, LayananDiberikan, Pengukuran, Penyuluhan, Sesi
from posyandu.sesi.services import (
    CheckinError,
    SessionDateError,
    checkin,
    education_add,
    service_add,
    session_date_parse,
    session_open,
)
from posyandu.sinkron.models import Konflik, Perubahan, SelisihHasil
from posyandu.skrining import engine as screening_engine
from posyandu.skrining.models import HasilSkrining
from posyandu.skrining.services import ScreeningInputError, screening_record
from posyandu.tugas.listeners import recompute_after

logger = logging.getLogger("posyandu.sinkron")

BATCH_MAX = 50
APPLIED, DUPLICATE, REJECTED, CONFLICT = "applied", "duplicate", "rejected", "conflict"
# `model` of record.void / record.correct -> the model
MODELS: dict[str, type[models.Model]] = {
    "kunjungan": Kunjungan,
    "pengukuran": Pengukuran,
    "layanan": LayananDiberikan,
    "penyuluhan": Penyuluhan,
    "imunisasi": Imunisasi,
    "skrining": HasilSkrining,
    "rujukan": Rujukan,
}
# kind of a create -> the model whose public_id the change's `record` is
CREATES: dict[str, type[models.Model]] = {
    "sesi.open": Sesi,
    "kunjungan.checkin": Kunjungan,
    "sasaran.create": Sasaran,
    "pengukuran.create": Pengukuran,
    "layanan.create": LayananDiberikan,
    "penyuluhan.create": Penyuluhan,
    "imunisasi.create": Imunisasi,
    "skrining.create": HasilSkrining,
    "rujukan.create": Rujukan,
}
MEASUREMENT_VALUES = {
    "berat_kg": "berat",
    "tinggi_cm": "tinggi",
    "lingkar_kepala_cm": "lingkar_kepala",
    "lila_cm": "lila",
    "lingkar_perut_cm": "lingkar_perut",
    "sistole": "sistolik",
    "diastole": "diastolik",
}
RESULT_Z = {"zwei": "z_bbu", "zlen": "z_tbu", "zwfl": "z_bbtb", "zbmi": "z_imtu", "zhc": "z_lk",
            "zac": "z_lila"}  # fmt: skip
# What a device may send about a person: the registration form's fields (its Posyandu is the
# package's own).
PERSON_FIELDS: list[str] = [f for f in SasaranForm.Meta.fields if f != "posyandu"]
# what the handlers read next to the record (one query instead of three)
RELATED: dict[type[models.Model], tuple[str, ...]] = {Kunjungan: ("sesi", "sasaran")}
IDENTITY_FIELDS = {"nama", "tanggal_lahir", "nik", "nama_ibu", "jenis_kelamin"}


@dataclass
class Outcome:
    status: str
    record: str | None = None
    version: int | None = None
    reason: str | None = None
    errors: dict[str, list[str]] | None = None
    server_result: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def answer(self, change_id: str) -> dict[str, Any]:
        return {
            "id": change_id,
            "status": self.status,
            "record": self.record,
            "version": self.version,
            "reason": self.reason,
            "errors": self.errors,
            "server_result": self.server_result,
            **self.extra,
        }


class Rejected(Exception):
    """The change cannot be applied; `reason` (and `errors` per field) for the kader."""

    def __init__(
        self,
        reason: str,
        errors: dict[str, list[str]] | None = None,
        *,
        out_of_scope: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason, self.errors, self.out_of_scope = reason, errors, out_of_scope
        self.extra = extra or {}


class Conflicted(Exception):
    """The device edited an older version than the stored one."""

    def __init__(self, current: Any) -> None:
        super().__init__("conflict")
        self.current = current


class Duplicate(Exception):
    """The record a create names already exists (sent before under another change id)."""

    def __init__(self, record: Any) -> None:
        super().__init__("duplicate")
        self.record = record


@dataclass
class Change:
    id: str
    kind: str
    record: UUID | None
    base_version: int | None
    data: dict[str, Any]
    seq: int | None = None
    at: str = ""


@dataclass
class Context:
    user: Any
    device_id: UUID | None
    ledger: Perubahan | None = None
    defects: list[dict[str, Any]] = field(default_factory=list)
    # change id -> its ledger row, read for the whole batch in one query (None: not stored
    # when the batch began; the unique index still catches a concurrent request)
    stored: dict[str, Perubahan | None] | None = None


# --- reading the change ------------------------------------------------------------------


def _not_found() -> str:
    return gettext("The record was not found or is outside your area.")


def _uuid(value: Any, name: str) -> UUID:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        raise Rejected(
            gettext("%(field)s is not a valid id.") % {"field": name},
            {name: [gettext("Not a valid id.")]},
        ) from None


def visible(model: Any, user: Any, value: Any, name: str, *, voided: bool = False) -> Any:
    """The record with that public_id the user may see; Rejected (and audited when it exists
    outside the user's scope) otherwise. The words are the same either way."""
    public_id = _uuid(value, name)
    manager = getattr(model, "all_objects", model._default_manager) if voided else model.objects
    rows = restrict(manager.all(), user).filter(public_id=public_id)
    if model in RELATED:
        rows = rows.select_related(*RELATED[model])
    found = rows.first()
    if found is None:
        elsewhere = getattr(model, "all_objects", model._default_manager).filter(
            public_id=public_id
        )
        raise Rejected(_not_found(), {name: [_not_found()]}, out_of_scope=elsewhere.exists())
    return found


def _required(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value in (None, ""):
        message = gettext("This field is required.")
        raise Rejected(message, {name: [message]})
    return value


def _date(data: dict[str, Any], name: str, default: date | None = None) -> date:
    raw = data.get(name)
    if raw in (None, ""):
        if default is not None:
            return default
        _required(data, name)
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        message = gettext("%(value)s is not a valid date (day 1-31, month 1-12).") % {"value": raw}
        raise Rejected(message, {name: [message]}) from None


def _text(data: dict[str, Any], name: str, max_length: int, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        _required(data, name)
    if len(value) > max_length:
        message = gettext("At most %(n)s characters.") % {"n": max_length}
        raise Rejected(message, {name: [message]})
    return value


def _form_errors(form: Any) -> Rejected:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    first = next(iter(errors.values()))[0] if errors else gettext("The data is not valid.")
    return Rejected(first, errors)


# --- kinds -------------------------------------------------------------------------------


def _session_open(ctx: Context, change: Change) -> Outcome:
    posyandu = visible(Posyandu, ctx.user, _required(change.data, "posyandu"), "posyandu")
    try:
        tanggal = session_date_parse(str(change.data.get("tanggal") or ""))
    except SessionDateError as error:
        raise Rejected(str(error), {"tanggal": [str(error)]}) from None
    sesi = session_open(posyandu=posyandu, tanggal=tanggal, by=ctx.user, public_id=change.record)
    return Outcome(APPLIED, str(sesi.public_id), sesi.version)


def _checkin(ctx: Context, change: Change) -> Outcome:
    sesi = visible(Sesi, ctx.user, _required(change.data, "sesi"), "sesi")
    sasaran = visible(Sasaran, ctx.user, _required(change.data, "sasaran"), "sasaran")
    try:
        kunjungan = checkin(sesi=sesi, sasaran=sasaran, public_id=change.record)
    except CheckinError as error:
        raise Rejected(str(error)) from None
    return Outcome(APPLIED, str(kunjungan.public_id), kunjungan.version)


def _person_form_data(user: Any, data: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The registration form's data: the stored values, then the device's (ids -> keys)."""
    out = dict(base)
    for name in PERSON_FIELDS + ["persetujuan_oleh", "persetujuan_hubungan"]:
        if name in data:
            out[name] = data[name]
    if "persetujuan_tujuan" in data:
        out["persetujuan_tujuan"] = list(data["persetujuan_tujuan"] or [])
    for name in ("ibu", "keluarga"):
        raw = data.get(name)
        if name in data and raw:
            if name == "ibu":
                out[name] = visible(Sasaran, user, raw, name).pk
            else:
                out[name] = _keluarga_pk(user, raw)
        elif name in data:
            out[name] = ""
    for name, value in list(out.items()):
        if value is None:
            out[name] = ""
        elif isinstance(value, bool):
            out[name] = "on" if value else ""
    return out


def _keluarga_pk(user: Any, raw: Any) -> int:
    from_model = Sasaran._meta.get_field("keluarga").related_model
    assert from_model is not None
    return visible(from_model, user, raw, "keluarga").pk


def _duplicates_of(people: list[Sasaran]) -> dict[str, Any]:
    return {
        "duplicates": [
            {
                "id": str(p.public_id),
                "nama": p.nama,
                "tanggal_lahir": p.tanggal_lahir.isoformat(),
                "nama_ibu": p.nama_ibu,
            }
            for p in people
        ]
    }


def _possible_duplicates(people: list[Sasaran]) -> Rejected:
    names = ", ".join(p.nama for p in people[:3])
    return Rejected(
        gettext(
            "This person may already be registered (%(names)s). Check, then send again "
            "confirming that it is a different person."
        )
        % {"names": names},
        extra=_duplicates_of(people),
    )


def _person_create(ctx: Context, change: Change) -> Outcome:
    data = change.data
    posyandu_qs = restrict(Posyandu.objects.all(), ctx.user)
    posyandu = visible(Posyandu, ctx.user, _required(data, "posyandu"), "posyandu")
    base = {
        "posyandu": posyandu.pk,
        "persetujuan_tujuan": ["pelayanan", "pelaporan"],
        "punya_buku_kia": True,
    }
    form = SasaranForm(
        _person_form_data(ctx.user, data, base), user=ctx.user, posyandu_qs=posyandu_qs
    )
    if not form.is_valid():
        raise _form_errors(form)
    fields = form.model_fields()
    if change.record is not None:
        fields["public_id"] = change.record
    registration = sasaran_register(
        posyandu=posyandu,
        among=people_visible(ctx.user),
        not_a_duplicate=bool(data.get("not_a_duplicate")),
        consent=form.consent(),
        by=ctx.user,
        **fields,
    )
    if registration.person is None:
        raise _possible_duplicates(registration.duplicates)
    person = registration.person
    return Outcome(
        APPLIED, str(person.public_id), person.version, extra={"warnings": form.warnings}
    )


def _check_version(record: Any, change: Change) -> None:
    if change.base_version is None:
        message = gettext("The version the change was made from is missing.")
        raise Rejected(message, {"base_version": [message]})
    if change.base_version != record.version:
        raise Conflicted(record)


def _person_update(ctx: Context, change: Change, *, version: int | None = None) -> Outcome:
    person = visible(Sasaran, ctx.user, change.record, "record")
    if version is None:
        _check_version(person, change)
        version = change.base_version
    data = {k: v for k, v in change.data.items() if k in PERSON_FIELDS or k == "not_a_duplicate"}
    posyandu_qs = restrict(Posyandu.objects.all(), ctx.user)
    stored = model_to_dict(person, fields=PERSON_FIELDS + ["posyandu"])
    form = SasaranEditForm(
        _person_form_data(ctx.user, data, stored),
        instance=person,
        user=ctx.user,
        posyandu_qs=posyandu_qs.filter(pk=person.posyandu_id) | posyandu_qs,
    )
    if not form.is_valid():
        raise _form_errors(form)
    if IDENTITY_FIELDS & set(form.changed_data) and not data.get("not_a_duplicate"):
        duplicates = likely_duplicates(
            Candidate.of(form.cleaned_data), people_visible(ctx.user).exclude(pk=person.pk)
        )
        if duplicates:
            raise _possible_duplicates(duplicates)
    try:
        sasaran_update(
            sasaran=person, posyandu=person.posyandu, version=version, **form.model_fields()
        )
    except StaleRecord as stale:
        raise Conflicted(stale.current) from None
    return Outcome(APPLIED, str(person.public_id), person.version)


def _decimal_values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, short in MEASUREMENT_VALUES.items():
        raw = data.get(name, data.get(short))
        try:
            number = parse_decimal(raw)
        except NotANumber:
            errors[name] = [gettext("%(value)s is not a number.") % {"value": raw}]
            continue
        if number is not None and number <= 0:
            errors[name] = [gettext("Must be more than 0.")]
            continue
        if name in ("sistole", "diastole"):
            values[name] = int(number) if number is not None else None
        else:
            values[name] = number
    if errors:
        raise Rejected(next(iter(errors.values()))[0], errors)
    return values


def _measurement(ctx: Context, change: Change) -> Outcome:
    data = change.data
    kunjungan: Kunjungan | None = None
    if data.get("kunjungan"):
        kunjungan = visible(Kunjungan, ctx.user, data["kunjungan"], "kunjungan")
        sasaran, tanggal = kunjungan.sasaran, kunjungan.sesi.tanggal
    elif data.get("sesi"):
        sesi = visible(Sesi, ctx.user, data["sesi"], "sesi")
        sasaran = visible(Sasaran, ctx.user, _required(data, "sasaran"), "sasaran")
        try:
            kunjungan = checkin(sesi=sesi, sasaran=sasaran)
        except CheckinError as error:
            raise Rejected(str(error)) from None
        tanggal = sesi.tanggal
    else:
        sasaran = visible(Sasaran, ctx.user, _required(data, "sasaran"), "sasaran")
        tanggal = _date(data, "tanggal")
    if tanggal < sasaran.tanggal_lahir:
        raise Rejected(gettext("The date given is before the date of birth."))
    values = _decimal_values(data)
    cara_ukur = str(data.get("cara_ukur") or "")
    cara_ukur = {"L": "terlentang", "H": "berdiri"}.get(cara_ukur, cara_ukur)
    if cara_ukur not in ("", *Pengukuran.CaraUkur.values):
        message = gettext("Choose lying (terlentang) or standing (berdiri).")
        raise Rejected(message, {"cara_ukur": [message]})
    codes = list(data.get("tanda_bahaya") or [])
    unknown = [c for c in codes if c not in danger.all_codes()]
    if unknown:
        message = gettext("Unknown danger sign: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise Rejected(message, {"tanda_bahaya": [message]})
    values.update(cara_ukur=cara_ukur, edema=bool(data.get("edema")), tanda_bahaya=codes)
    refused = hard_limit_errors(
        values,
        umur_bulan=completed_months(sasaran.tanggal_lahir, tanggal),
        jenis_kelamin=sasaran.jenis_kelamin,
    )
    if refused:
        raise Rejected(" ".join(refused.values()), {k: [v] for k, v in refused.items()})
    choice = data.get("same_day") or sesi_corrections.ADD
    try:
        result = sesi_corrections.measurement_record_again(
            choice=choice,
            sasaran=sasaran,
            tanggal=tanggal,
            by=ctx.user,
            kunjungan=kunjungan,
            public_id=change.record,
            **values,
        )
    except (MeasurementRefused, CorrectionError) as error:
        raise Rejected(str(error)) from None
    server = server_result(result)
    device = data.get("device_result")
    if isinstance(device, dict) and device:
        differing = result_differences(device, server)
        if differing:
            ctx.defects.append(
                {"pengukuran": result.pengukuran.public_id, "device": device,
                 "server": server, "differing": differing}
            )  # fmt: skip
    p = result.pengukuran
    return Outcome(APPLIED, str(p.public_id), p.version, server_result=server)


def _float(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def server_result(result: GrowthResult) -> dict[str, Any]:
    p = result.pengukuran
    out: dict[str, Any] = {name: getattr(p, name) for name in RESULT_Z}
    out.update(
        {
            "kategori": p.kategori,
            "status_bb": p.status_bb,
            "kbm_g": p.kbm_g,
            "perlu_cek_ulang": p.perlu_cek_ulang,
            "alasan_cek_ulang": p.alasan_cek_ulang,
            "is_2t": result.is_2t,
            "gain_g": result.gain_g,
            "rujukan_disarankan": result.referral_reasons,
            "mesin_versi": p.mesin_versi,
        }
    )
    for name, short in RESULT_Z.items():
        out[short] = out[name]
    out["nt"] = p.status_bb or None
    return out


def result_differences(device: dict[str, Any], server: dict[str, Any]) -> list[str]:
    """Names of the values the device computed differently (z-scores to 2 decimals, as the
    WHO software shows them; N/T/O/B, KBM and the categories exactly). A value the device
    did not send is not compared."""
    differing = []
    for name, short in RESULT_Z.items():
        key = name if name in device else short if short in device else None
        if key is None:
            continue
        mine, theirs = _float(device[key]), _float(server[name])
        if (mine is None) != (theirs is None) or (
            mine is not None
            and theirs is not None
            and abs(round(mine, 2) - round(theirs, 2)) > 1e-6
        ):
            differing.append(name)
    status = device.get("status_bb", device.get("nt"))
    if ("status_bb" in device or "nt" in device) and (status or "") != (server["status_bb"] or ""):
        differing.append("status_bb")
    if "kbm_g" in device and _float(device["kbm_g"]) != _float(server["kbm_g"]):
        differing.append("kbm_g")
    if isinstance(device.get("kategori"), dict):
        for key, value in device["kategori"].items():
            if server["kategori"].get(key) != value:
                differing.append(f"kategori.{key}")
    return differing


def _service(ctx: Context, change: Change) -> Outcome:
    kunjungan = visible(Kunjungan, ctx.user, _required(change.data, "kunjungan"), "kunjungan")
    row = service_add(
        kunjungan=kunjungan,
        jenis=_text(change.data, "jenis", 50),
        keterangan=_text(change.data, "keterangan", 250, required=False),
        public_id=change.record,
    )
    return Outcome(APPLIED, str(row.public_id), row.version)


def _education(ctx: Context, change: Change) -> Outcome:
    kunjungan = visible(Kunjungan, ctx.user, _required(change.data, "kunjungan"), "kunjungan")
    row = education_add(
        kunjungan=kunjungan, topik=_text(change.data, "topik", 100), public_id=change.record
    )
    return Outcome(APPLIED, str(row.public_id), row.version)


def _dose(ctx: Context, change: Change) -> Outcome:
    data = change.data
    sasaran = visible(Sasaran, ctx.user, _required(data, "sasaran"), "sasaran")
    kunjungan = None
    if data.get("kunjungan"):
        kunjungan = visible(Kunjungan, ctx.user, data["kunjungan"], "kunjungan")
    vaksin = str(data.get("vaksin") or data.get("antigen") or "").strip()
    if not vaksin:
        _required(data, "vaksin")
    default_day = kunjungan.sesi.tanggal if kunjungan is not None else None
    options = {
        name: data[name]
        for name in ("tempat", "nama_tempat", "batch", "alasan_di_luar_jadwal")
        if data.get(name) not in (None, "")
    }
    if "diberikan_di_sini" in data:
        options["diberikan_di_sini"] = bool(data["diberikan_di_sini"])
    try:
        row = dose_record(
            sasaran=sasaran,
            vaksin=vaksin,
            tanggal=_date(data, "tanggal", default_day),
            by=ctx.user,
            kunjungan=kunjungan,
            public_id=change.record,
            **options,
        )
    except DoseOutsideSchedule as error:
        raise Rejected(str(error), {"alasan_di_luar_jadwal": error.messages}) from None
    except DoseError as error:
        raise Rejected(str(error), {"vaksin": [str(error)]}) from None
    return Outcome(APPLIED, str(row.public_id), row.version)


def _screening(ctx: Context, change: Change) -> Outcome:
    data = change.data
    kunjungan = None
    if data.get("kunjungan"):
        kunjungan = visible(Kunjungan, ctx.user, data["kunjungan"], "kunjungan")
        sasaran = kunjungan.sasaran
    else:
        sasaran = visible(Sasaran, ctx.user, _required(data, "sasaran"), "sasaran")
    definition = str(_required(data, "definition"))
    default_day = kunjungan.sesi.tanggal if kunjungan is not None else timezone.localdate()
    try:
        row = screening_record(
            sasaran=sasaran,
            definition_id=definition,
            raw=dict(data.get("answers") or {}),
            by=ctx.user,
            tanggal=_date(data, "tanggal", default_day),
            version=data.get("version") or None,
            kunjungan=kunjungan,
            public_id=change.record,
        )
    except ScreeningInputError as error:
        errors: dict[str, list[str]] = {}
        for item in error.errors:
            errors.setdefault(item.key, []).append(_screening_message(item.code))
        raise Rejected(gettext("Some answers are missing or not possible."), errors) from None
    except (screening_engine.DefinitionError, KeyError, LookupError):
        message = gettext("Unknown screening: %(id)s.") % {"id": definition}
        raise Rejected(message, {"definition": [message]}) from None
    return Outcome(APPLIED, str(row.public_id), row.version)


def _screening_message(code: str) -> str:
    messages = {
        "required": gettext("This field is required."),
        "not_a_number": gettext("Not a number."),
        "not_an_integer": gettext("Not a whole number."),
        "below_min": gettext("Below the lowest possible value."),
        "above_max": gettext("Above the highest possible value."),
        "bad_choice": gettext("Not one of the choices."),
    }
    return messages.get(code, code)


def _referral(ctx: Context, change: Change) -> Outcome:
    data = change.data
    sasaran = visible(Sasaran, ctx.user, _required(data, "sasaran"), "sasaran")
    aturan = [str(code) for code in (data.get("aturan") or [])]
    row = referral_create(
        sasaran=sasaran,
        alasan=_text(data, "alasan", 500),
        by=ctx.user,
        tanggal=_date(data, "tanggal", timezone.localdate()),
        aturan=aturan,
        public_id=change.record,
    )
    return Outcome(APPLIED, str(row.public_id), row.version)


def _target(ctx: Context, change: Change) -> Any:
    key = str(change.data.get("model") or "")
    model = MODELS.get(key)
    if model is None:
        message = gettext("Unknown kind of entry: %(model)s.") % {"model": key}
        raise Rejected(message, {"model": [message]})
    record = visible(model, ctx.user, change.record, "record", voided=True)
    if not may_correct(ctx.user, record):
        raise Rejected(
            gettext(
                "Only the person who entered this (on the same day) or the bidan or "
                "Puskesmas can correct or void it."
            )
        )
    return record


def _void(ctx: Context, change: Change, *, version: int | None = None) -> Outcome:
    record = _target(ctx, change)
    if version is None:
        _check_version(record, change)
    elif record.version != version:
        raise Conflicted(record)
    try:
        record_void(record, by=ctx.user, reason=str(change.data.get("reason") or ""))
    except CorrectionError as error:
        raise Rejected(str(error), {"reason": [str(error)]}) from None
    return Outcome(APPLIED, str(record.public_id), record.version)


def typed_changes(record: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """Values as the model holds them (a decimal comma, ISO dates, numbers as strings)."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, raw in fields.items():
        try:
            model_field = record._meta.get_field(name)
        except Exception:  # noqa: BLE001 - any unknown name: record_correct says which
            out[name] = raw
            continue
        try:
            if isinstance(model_field, models.DecimalField):
                out[name] = parse_decimal(raw)
            elif raw in (None, "") and model_field.null:
                out[name] = None
            else:
                out[name] = model_field.to_python(raw)
        except (NotANumber, ValidationError):
            errors[name] = [gettext("%(value)s is not valid.") % {"value": raw}]
    if errors:
        raise Rejected(next(iter(errors.values()))[0], errors)
    return out


def _correct(ctx: Context, change: Change, *, version: int | None = None) -> Outcome:
    record = _target(ctx, change)
    if version is None:
        _check_version(record, change)
        version = change.base_version
    raw = change.data.get("fields")
    if not isinstance(raw, dict):
        raw = {k: v for k, v in change.data.items() if k not in ("model", "reason")}
    if registry.correctable(record._meta.label) is None:
        raise Rejected(gettext("This kind of entry cannot be corrected here; void it instead."))
    try:
        record_correct(
            record,
            by=ctx.user,
            reason=str(change.data.get("reason") or ""),
            changes=typed_changes(record, raw),
            version=version,
        )
    except StaleRecord as stale:
        raise Conflicted(stale.current) from None
    except CorrectionError as error:
        raise Rejected(str(error)) from None
    return Outcome(APPLIED, str(record.public_id), record.version)


Handler = Callable[[Context, Change], Outcome]
KINDS: dict[str, Handler] = {
    "sesi.open": _session_open,
    "kunjungan.checkin": _checkin,
    "sasaran.create": _person_create,
    "sasaran.update": _person_update,
    "pengukuran.create": _measurement,
    "layanan.create": _service,
    "penyuluhan.create": _education,
    "imunisasi.create": _dose,
    "skrining.create": _screening,
    "rujukan.create": _referral,
    "record.void": _void,
    "record.correct": _correct,
}
EDITS = {"sasaran.update", "record.void", "record.correct"}


# --- the ledger ---------------------------------------------------------------------------


def change_of(raw: Any) -> Change:
    """The envelope of a change; Rejected when it cannot be read."""
    if not isinstance(raw, dict):
        raise Rejected(gettext("The change cannot be read."))
    change_id = str(_uuid(raw.get("id"), "id"))
    kind = str(raw.get("kind") or "")
    if kind not in KINDS:
        message = gettext("Unknown kind of change: %(kind)s.") % {"kind": kind}
        raise Rejected(message, {"kind": [message]})
    record = raw.get("record")
    record_id = _uuid(record, "record") if record not in (None, "") else None
    if record_id is None and (kind in EDITS):
        _uuid(record, "record")
    base = raw.get("base_version")
    try:
        base_version = None if base is None or base == "" else int(base)
    except (TypeError, ValueError):
        message = gettext("Not a whole number.")
        raise Rejected(message, {"base_version": [message]}) from None
    data = raw.get("data") or {}
    if not isinstance(data, dict):
        raise Rejected(gettext("The change cannot be read."), {"data": ["object"]})
    seq = raw.get("seq")
    return Change(
        id=change_id,
        kind=kind,
        record=record_id,
        base_version=base_version,
        data=data,
        seq=int(seq) if isinstance(seq, int) else None,
        at=str(raw.get("at") or "")[:40],
    )


def replay(stored: Perubahan) -> dict[str, Any]:
    """The answer of a change received before: `duplicate` for an applied one, else the
    same rejected or conflict answer."""
    answer = dict(stored.answer)
    if stored.status == Perubahan.Status.APPLIED:
        answer["status"] = DUPLICATE
    return answer


def _existing_create(ctx: Context, change: Change) -> Any:
    """The record a create names, if it is already stored (under another change id)."""
    model = CREATES.get(change.kind)
    if model is None or change.record is None:
        return None
    manager = getattr(model, "all_objects", model._default_manager)
    found = manager.filter(public_id=change.record).first()
    if found is None:
        return None
    if not restrict(manager.filter(pk=found.pk), ctx.user).exists():
        raise Rejected(_not_found(), {"record": [_not_found()]}, out_of_scope=True)
    return found


def _run(ctx: Context, change: Change) -> Outcome:
    existing = _existing_create(ctx, change)
    if existing is not None:
        return Outcome(DUPLICATE, str(existing.public_id), existing.version)
    return KINDS[change.kind](ctx, change)


def _posyandu_of(record: Any) -> Posyandu:
    if isinstance(record, Sasaran):
        return record.posyandu
    if isinstance(record, Sesi):
        return record.posyandu
    if hasattr(record, "sasaran"):
        return record.sasaran.posyandu
    return record.kunjungan.sasaran.posyandu


def conflict_store(ctx: Context, change: Change, current: Any) -> Konflik:
    posyandu = _posyandu_of(current)
    assert ctx.ledger is not None
    return Konflik.objects.create(
        perubahan=ctx.ledger,
        kind=change.kind,
        model=current._meta.label,
        record=current.public_id,
        posyandu=posyandu,
        desa_id=posyandu.desa_id,
        base_version=change.base_version,
        server_version=current.version,
        versi_server={**values_of(current), "voided": current.deleted_at is not None},
        versi_perangkat=change.data,
    )


def change_apply(ctx: Context, raw: Any) -> dict[str, Any]:
    """Apply one change exactly once and answer it."""
    try:
        change = change_of(raw)
    except Rejected as rejected:
        change_id = raw.get("id") if isinstance(raw, dict) else None
        return Outcome(REJECTED, reason=rejected.reason, errors=rejected.errors).answer(
            str(change_id) if change_id is not None else ""
        )
    if ctx.stored is not None and change.id in ctx.stored:
        stored = ctx.stored[change.id]
    else:
        stored = Perubahan.objects.filter(change_id=change.id).first()
    if stored is not None:
        return _replay_own(ctx, stored)
    try:
        answer = _apply_new(ctx, change)
    except _AlreadyStored:
        return _replay_own(ctx, Perubahan.objects.get(change_id=change.id))
    if ctx.stored is not None:
        ctx.stored.pop(change.id, None)  # the same id again in this batch: read it
    return answer


class _AlreadyStored(Exception):
    pass


def _replay_own(ctx: Context, stored: Perubahan) -> dict[str, Any]:
    if stored.user_id != ctx.user.pk:
        message = gettext("This change id was already used; send the change with a new id.")
        return Outcome(REJECTED, reason=message, errors={"id": [message]}).answer(
            str(stored.change_id)
        )
    return replay(stored)


@transaction.atomic
def _apply_new(ctx: Context, change: Change) -> dict[str, Any]:
    ledger = Perubahan(
        change_id=change.id,
        user=ctx.user,
        device_id=ctx.device_id,
        seq=change.seq,
        kind=change.kind,
        record=change.record,
        base_version=change.base_version,
        device_at=change.at,
        data=change.data,
        status=Perubahan.Status.REJECTED,
    )
    try:
        # the first write of this transaction: on a concurrent duplicate the whole
        # transaction (nothing else yet) rolls back, no savepoint needed
        ledger.save()
    except IntegrityError:
        raise _AlreadyStored from None  # a concurrent request holds this change id
    ctx.ledger, ctx.defects = ledger, []
    conflict: Konflik | None = None
    try:
        with transaction.atomic():
            outcome = _run(ctx, change)
    except Rejected as rejected:
        outcome = Outcome(
            REJECTED,
            str(change.record) if change.record else None,
            reason=rejected.reason,
            errors=rejected.errors,
            extra=rejected.extra,
        )
        if rejected.out_of_scope:
            log(
                AuditEvent.Action.IMPORT,
                model="sinkron.Perubahan",
                object_id=change.id,
                metadata={
                    "refused": "out_of_scope",
                    "kind": change.kind,
                    "record": str(change.record) if change.record else "",
                },
                user=ctx.user,
            )
    except Conflicted as conflicted:
        conflict = conflict_store(ctx, change, conflicted.current)
        outcome = Outcome(
            CONFLICT,
            str(conflicted.current.public_id),
            conflicted.current.version,
            reason=gettext(
                "Someone changed this record after your device read it. Both versions are "
                "kept for the bidan to decide; nothing was overwritten."
            ),
            extra={"conflict": str(conflict.public_id)},
        )
    except (ValueError, ValidationError, IntegrityError) as error:
        message = _error_text(error)
        outcome = Outcome(REJECTED, str(change.record) if change.record else None, reason=message)
    status = DUPLICATE if outcome.status == DUPLICATE else outcome.status
    ledger.status = {
        APPLIED: Perubahan.Status.APPLIED,
        DUPLICATE: Perubahan.Status.APPLIED,
        REJECTED: Perubahan.Status.REJECTED,
        CONFLICT: Perubahan.Status.CONFLICT,
    }[status]
    ledger.answer = outcome.answer(change.id)
    ledger.save(update_fields=["status", "answer"])
    for defect in ctx.defects:
        SelisihHasil.objects.create(
            perubahan=ledger,
            pengukuran=defect["pengukuran"],
            hasil_perangkat=defect["device"],
            hasil_server=_json(defect["server"]),
            selisih=defect["differing"],
        )
        logger.warning(
            "Device growth result differs from the server's: measurement %s, values %s",
            defect["pengukuran"],
            ", ".join(defect["differing"]),
        )
    return ledger.answer


def _error_text(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return gettext("The record conflicts with one already stored (the same entry twice).")
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or gettext("The data is not valid.")


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if not isinstance(v, UUID) else str(v)) for k, v in values.items()}


def batch_apply(*, user: Any, device_id: UUID | None, changes: list[Any]) -> list[dict[str, Any]]:
    """Every change in order; a rejected or conflicting change stops nothing."""
    ids = set()
    for raw in changes:
        try:
            ids.add(str(UUID(str(raw.get("id")))))
        except (AttributeError, TypeError, ValueError):
            continue  # change_of rejects it
    stored: dict[str, Perubahan | None] = dict.fromkeys(ids)
    for row in Perubahan.objects.filter(change_id__in=ids):
        stored[str(row.change_id)] = row
    ctx = Context(user=user, device_id=device_id, stored=stored)
    # follow-up tasks are recomputed after commit: once for the batch, not once per change
    with recompute_after():
        return [change_apply(ctx, raw) for raw in changes]


def change_reapply(*, user: Any, stored: Perubahan, version: int) -> Outcome:
    """The device's change of a conflict applied over `version` (the bidan took the device's
    version): through the same service, Conflicted if the record changed again since."""
    change = Change(
        id=str(stored.change_id),
        kind=stored.kind,
        record=stored.record,
        base_version=version,
        data=stored.data,
    )
    ctx = Context(user=user, device_id=stored.device_id, ledger=stored)
    handlers: dict[str, Callable[..., Outcome]] = {
        "sasaran.update": _person_update,
        "record.void": _void,
        "record.correct": _correct,
    }
    with transaction.atomic():
        return handlers[stored.kind](ctx, change, version=version)
