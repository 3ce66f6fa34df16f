"""Corrections of the Posyandu day's records, and the correction form every app's records use.

sesi registers its check-in, measurement, service and education records as correctable
(core.registry.register_correctable); the apps above register theirs the same way and the one
set of correction views (sesi.correction_views) serves them all. A corrected measurement is
evaluated again like a new one; later measurements follow through the derived-data registry.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from posyandu.core.corrections import REASON_REPLACED, CorrectionError, record_void
from posyandu.core.numbers import NotANumber, format_measured, parse_decimal
from posyandu.core.registry import Correctable, Panel, correctables, register_correctable
from posyandu.sasaran.life_stage import life_stage_of
from posyandu.sesi.forms import FIELDS_BY_STAGE, NUMERIC, stage_group
from posyandu.sesi.growth import DERIVED_FIELDS, INPUT_FIELDS, GrowthResult, measurement_evaluate
from posyandu.sesi.models import Kunjungan, LayananDiberikan, Pengukuran, Penyuluhan
from posyandu.sesi.services import measurement_record


def measurement_apply(record: Pengukuran, changes: dict[str, Any]) -> None:
    """A corrected measurement goes through the same evaluation as a new one: z-scores,
    categories, N/T/O/B and the re-measure checks are computed again."""
    for name, value in changes.items():
        setattr(record, name, value)
    fresh = measurement_evaluate(
        sasaran=record.sasaran,
        tanggal=record.tanggal,
        tanda_bahaya=record.tanda_bahaya,
        exclude_pk=record.pk,
        **{f: getattr(record, f) for f in INPUT_FIELDS},
    ).pengukuran
    for name in DERIVED_FIELDS:
        setattr(record, name, getattr(fresh, name))
    if any(name in INPUT_FIELDS for name in changes):
        # a confirmation was of the old values: corrected ones that are still flagged need
        # their own (sesi.services.measurement_confirm)
        record.dikonfirmasi_oleh = None
        record.dikonfirmasi_pada = None
        record.alasan_konfirmasi = ""


def measurement_fields(record: Pengukuran) -> list[str]:
    group = stage_group(life_stage_of(record.sasaran, record.tanggal))
    return list(FIELDS_BY_STAGE[group])


def visit_url(kunjungan: Kunjungan | None) -> str | None:
    return reverse("sesi:kunjungan", args=[kunjungan.public_id]) if kunjungan else None


def _fixed(names: list[str]) -> Callable[[Any], list[str]]:
    return lambda record: list(names)


def register() -> None:
    register_correctable(
        Correctable(
            Kunjungan,
            _("check-in"),
            fields=lambda r: [],
            return_url=lambda r: reverse("sesi:detail", args=[r.sesi.public_id]),
        )
    )
    register_correctable(
        Correctable(
            Pengukuran,
            _("measurement"),
            fields=measurement_fields,
            part_of="kunjungan",
            apply=measurement_apply,
            return_url=lambda r: visit_url(r.kunjungan),
        )
    )
    day_parts: list[tuple[Any, list[str]]] = [
        (LayananDiberikan, ["jenis", "keterangan"]),
        (Penyuluhan, ["topik"]),
    ]
    for model, names in day_parts:
        register_correctable(
            Correctable(
                model,
                model._meta.verbose_name,
                fields=_fixed(names),
                person="kunjungan__sasaran",
                part_of="kunjungan",
                return_url=lambda r: visit_url(r.kunjungan),
            )
        )


def person_of(spec: Correctable, record: Any) -> Any:
    """The person the record is about (None for a record of a household, e.g. a home visit)."""
    if not spec.person:
        return None
    obj = record
    for part in spec.person.split("__"):
        obj = getattr(obj, part)
    return obj


def correction_form(spec: Correctable, record: Any, data: Any = None) -> forms.Form:
    """A form of the record's correctable fields, filled with its values. A plain form (not a
    ModelForm), so validating it never changes the record before the service sees it.
    Decimals accept a comma or a dot (core.numbers)."""
    names = spec.fields(record)
    fields = forms.fields_for_model(spec.model, fields=names) if names else {}
    decimal = [n for n, f in fields.items() if isinstance(f, forms.DecimalField)]
    for field in fields.values():
        if isinstance(field, forms.DecimalField | forms.IntegerField):
            field.widget = forms.TextInput(attrs=NUMERIC)
    if data is not None:
        data = data.copy()
        for name in decimal:
            if name in data:
                try:
                    number = parse_decimal(data[name])
                except NotANumber:
                    continue  # the form field reports it
                data[name] = "" if number is None else str(number)
    form_class = type("CorrectionForm", (forms.Form,), dict(fields))
    initial = {name: getattr(record, name) for name in names}
    for name in decimal:  # prefilled as typed and shown elsewhere: "9,8", not "9.80"
        if initial[name] is not None:
            initial[name] = format_measured(initial[name])
    return form_class(data, initial=initial)


def changes_of(form: forms.Form, record: Any) -> dict[str, Any]:
    """What the valid form changes on the record."""
    out = {}
    for name, value in form.cleaned_data.items():
        current = getattr(record, name)
        if isinstance(record._meta.get_field(name), models.CharField) and value is None:
            value = ""
        if value != current:
            out[name] = value
    return out


def entries_of_visit(kunjungan: Kunjungan) -> list[tuple[Correctable, Any]]:
    """Every record made at this visit (what the check-in's void also voids), voided ones too,
    newest first: for the visit page's list of entries and its undo."""
    rows: list[tuple[Correctable, Any]] = []
    for spec in correctables():
        if not spec.part_of:
            continue
        field = spec.model._meta.get_field(spec.part_of)
        if field.related_model is not Kunjungan:
            continue
        for record in spec.model.all_objects.filter(**{spec.part_of: kunjungan}):
            rows.append((spec, record))
    return sorted(rows, key=lambda row: (row[1].created_at, row[1].pk), reverse=True)


def voided_history_panel(request: Any, sasaran: Any) -> list[Panel]:
    """The person's voided entries, struck through with who voided them and why."""
    rows: list[tuple[Correctable, Any]] = []
    for spec in correctables():
        if not spec.person:
            continue
        voided = spec.model.all_objects.filter(
            **{spec.person: sasaran}, deleted_at__isnull=False
        ).exclude(alasan_batal="")
        rows.extend((spec, record) for record in voided.select_related("dibatalkan_oleh"))
    if not rows:
        return []
    rows.sort(key=lambda row: row[1].deleted_at, reverse=True)
    entries = [
        {"title": spec.title, "record": record, "date": record.created_at} for spec, record in rows
    ]
    context = {"entries": entries}
    return [Panel("batal", gettext("Voided entries"), "sesi/_batal_panel.html", context, order=90)]


# A second measurement of the same person on the same day: the kader says whether it replaces
# the first ("ganti": the first is voided with the reason "diganti") or is kept beside it
# ("tambah": SKDN counts the last weighing of the month, as before).
REPLACE, ADD = "ganti", "tambah"
CHOICES = (REPLACE, ADD)


def same_day_measurement(sasaran: Any, tanggal: Any) -> Pengukuran | None:
    """The person's last live measurement of that day, if there is one."""
    return Pengukuran.objects.filter(sasaran=sasaran, tanggal=tanggal).order_by("-id").first()


@transaction.atomic
def measurement_record_again(*, choice: str, by: Any, **fields: Any) -> GrowthResult:
    """Record a measurement when one of that day exists, as the kader chose (REPLACE, ADD)."""
    if choice not in (REPLACE, ADD):
        raise CorrectionError(_("Say whether the new measurement replaces the first one."))
    if choice == REPLACE:
        existing = same_day_measurement(fields["sasaran"], fields["tanggal"])
        if existing is not None:
            record_void(existing, by=by, reason=REASON_REPLACED)
    return measurement_record(by=by, **fields)
