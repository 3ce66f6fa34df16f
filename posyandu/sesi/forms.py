from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import DecimalCommaField, choice_field
from posyandu.sasaran.life_stage import BADUTA, LifeStage
from posyandu.sesi import danger
from posyandu.sesi.limits import hard_limit_errors
from posyandu.sesi.models import Jadwal, Pengukuran

CHILD = {LifeStage.BAYI, LifeStage.BALITA, LifeStage.APRAS}
MATERNAL = {LifeStage.IBU_HAMIL, LifeStage.IBU_NIFAS}
FIELDS_BY_STAGE = {
    "child": ["berat_kg", "tinggi_cm", "cara_ukur", "lingkar_kepala_cm", "lila_cm", "edema"],
    "maternal": ["berat_kg", "lila_cm", "sistole", "diastole", "tinggi_cm"],
    "other": ["berat_kg", "tinggi_cm", "lingkar_perut_cm", "sistole", "diastole"],
}
DECIMALS = ("berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm", "lingkar_perut_cm")
WHOLE_NUMBER = {"inputmode": "numeric", "autocomplete": "off"}
# The text-box attributes of a decimal (core.forms.DecimalInput has them; kept for callers).
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
        # "9,5" and "9.5" alike, through core.numbers (the one parser)
        field_classes = {name: DecimalCommaField for name in DECIMALS}

    def __init__(
        self,
        data: Any = None,
        *,
        group: str,
        umur_bulan: int,
        jenis_kelamin: str = "",
        **kwargs: Any,
    ) -> None:
        self.umur_bulan, self.jenis_kelamin = umur_bulan, jenis_kelamin
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
            # (a DecimalField is an IntegerField too: it keeps its DecimalInput)
            if isinstance(field, forms.IntegerField) and not isinstance(field, DecimalCommaField):
                field.widget = forms.TextInput(attrs=WHOLE_NUMBER)
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
        # What cannot be true (rules/batas_mutlak.json: a negative value, 46 kg at 2 months,
        # 300 cm) is refused, naming the allowed range.
        refused = hard_limit_errors(
            {k: v for k, v in data.items() if k not in self.errors},
            umur_bulan=self.umur_bulan,
            jenis_kelamin=self.jenis_kelamin,
        )
        for name, text in refused.items():
            self.add_error(name, text)
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
