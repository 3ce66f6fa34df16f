"""The maternal-care panel's forms, one per action. Each number accepts only what can be real:
the inclusive [low, high] of rules/anc.json `input_ranges` (a typo such as grams for kg or a
minus sign is refused here, before it breaks a column's range in the database)."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from posyandu.core.forms import DecimalCommaField
from posyandu.kia import rules_kia


class CodesField(forms.Field):
    """Checked codes (riwayat); the service keeps only the codes its rules know."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class RangedForm(forms.Form):
    """Numbers bounded by rules/anc.json `input_ranges`; an empty field takes its default."""

    DEFAULTS: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ranges = rules_kia.load("anc")["input_ranges"]
        for name, field in self.fields.items():
            if name in ranges:
                low, high = ranges[name]
                field.validators += [MinValueValidator(low), MaxValueValidator(high)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, default in self.DEFAULTS.items():
            if data.get(name) is None:
                data[name] = default
        return data


class PregnancyForm(RangedForm):
    """Register a pregnancy (kia.services.pregnancy_register)."""

    DEFAULTS = {"usg_hari": 0, "gravida": 1, "paritas": 0, "abortus": 0}

    hpht = forms.DateField(required=False)
    usg_tanggal = forms.DateField(required=False)
    usg_minggu = forms.IntegerField(required=False)
    usg_hari = forms.IntegerField(required=False)
    gravida = forms.IntegerField(required=False)
    paritas = forms.IntegerField(required=False)
    abortus = forms.IntegerField(required=False)
    persalinan_terakhir = forms.DateField(required=False)
    riwayat = CodesField(required=False)


class AncForm(RangedForm):
    """An ANC visit (kia.services.anc_record)."""

    DEFAULTS = {"ttd_tablet": 0}

    oleh_dokter = forms.BooleanField(required=False)
    berat_kg = DecimalCommaField(required=False)
    lila_cm = DecimalCommaField(required=False)
    sistole = forms.IntegerField(required=False)
    diastole = forms.IntegerField(required=False)
    hb = DecimalCommaField(required=False)
    ttd_tablet = forms.IntegerField(required=False)


class DeliveryForm(RangedForm):
    """The delivery (kia.services.delivery_record); its date defaults to the panel's day."""

    tanggal_persalinan = forms.DateField(required=False)
    tempat = forms.CharField(required=False)
    penolong = forms.CharField(required=False)
    berat_lahir_g = forms.IntegerField(required=False)


class NifasForm(forms.Form):
    """A KF or KN visit on the panel's day (kia.services.nifas_record): nothing to type."""
