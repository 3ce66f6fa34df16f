from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import choice_field
from posyandu.core.numbers import NotANumber, parse_decimal
from posyandu.sasaran.life_stage import BADUTA, LifeStage
from posyandu.sesi import danger
from posyandu.sesi.models import Jadwal, Pengukuran

CHILD = {LifeStage.BAYI, LifeStage.BALITA, LifeStage.APRAS}
MATERNAL = {LifeStage.IBU_HAMIL, LifeStage.IBU_NIFAS}
FIELDS_BY_STAGE = {
    "child": ["berat_kg", "tinggi_cm", "cara_ukur", "lingkar_kepala_cm", "lila_cm", "edema"],
    "maternal": ["berat_kg", "lila_cm", "sistole", "diastole", "tinggi_cm"],
    "other": ["berat_kg", "tinggi_cm", "lingkar_perut_cm", "sistole", "diastole"],
}
NUMERIC = {"inputmode": "decimal", "autocomplete": "off"}


def stage_group(stage: LifeStage) -> str:
    if stage in CHILD:
        return "child"
    return "maternal" if stage in MATERNAL else "other"


class MeasurementForm(forms.ModelForm):
    tanda_bahaya = forms.MultipleChoiceField(
        label=_("Danger signs (any one: refer at once)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Pengukuran
        fields = sorted({f for fs in FIELDS_BY_STAGE.values() for f in fs})
        widgets = {"cara_ukur": forms.RadioSelect}

    def __init__(self, data: Any = None, *, group: str, umur_bulan: int, **kwargs: Any) -> None:
        if data is not None:  # a decimal comma (8,5) is what Indonesian users type
            data = data.copy()
            for key in (
                "berat_kg",
                "tinggi_cm",
                "lingkar_kepala_cm",
                "lila_cm",
                "lingkar_perut_cm",
            ):
                if key in data:
                    try:
                        number = parse_decimal(data[key])
                    except NotANumber:
                        continue  # the form field reports it
                    data[key] = "" if number is None else str(number)
        super().__init__(data, **kwargs)
        signs = danger.signs(group)
        keep = FIELDS_BY_STAGE[group] + (["tanda_bahaya"] if signs else [])
        choice_field(self, "tanda_bahaya").choices = [
            (s["code"], danger.label(s["code"])) for s in signs
        ]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.order_fields(keep)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField | forms.IntegerField):
                field.widget = forms.TextInput(attrs=NUMERIC)
        if "cara_ukur" in self.fields:
            choice_field(self, "cara_ukur").choices = Pengukuran.CaraUkur.choices
            self.fields["cara_ukur"].required = False
            lying = BADUTA.contains(umur_bulan)  # WHO: length lying under 2 years
            self.fields["cara_ukur"].initial = (
                Pengukuran.CaraUkur.TERLENTANG if lying else Pengukuran.CaraUkur.BERDIRI
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("tinggi_cm") is not None
            and "cara_ukur" in self.fields
            and not data.get("cara_ukur")
        ):
            self.add_error("cara_ukur", _("Say whether the child was measured lying or standing."))
        for name in ("berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm", "lingkar_perut_cm"):
            value = data.get(name)
            if value is not None and value <= 0:
                self.add_error(name, _("Enter a value above 0."))
        return data

    def values(self) -> dict[str, Any]:
        """Model values plus the danger-sign codes (for measurement_record/evaluate)."""
        return dict(self.cleaned_data)


class ServiceForm(forms.Form):
    jenis = forms.CharField(label=_("Service given"), max_length=50)
    keterangan = forms.CharField(label=_("Details"), max_length=250, required=False)


class EducationForm(forms.Form):
    topik = forms.CharField(label=_("Topic"), max_length=100)


class JadwalForm(forms.ModelForm):
    class Meta:
        model = Jadwal
        fields = ["tanggal", "minggu_ke", "hari", "jam_mulai", "tempat"]
        widgets = {"jam_mulai": forms.TimeInput(attrs={"type": "time"})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("tanggal") and not (data.get("minggu_ke") and data.get("hari") is not None):
            raise forms.ValidationError(
                _("Give a day of the month, or a week of the month and a weekday.")
            )
        return data
