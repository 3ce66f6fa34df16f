from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import DecimalCommaField
from posyandu.kunjungan_rumah import checklist
from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.limits import hard_limit_errors
from posyandu.sesi.models import Pengukuran


class VisitForm(forms.Form):
    tanggal = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    bertemu = forms.BooleanField(label=_("The family was at home"), required=False, initial=True)
    temuan = forms.CharField(
        label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tindakan = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tindak_lanjut = forms.ChoiceField(
        label=_("Follow-up"), choices=KunjunganRumah.TindakLanjut.choices
    )
    tanggal_tindak_lanjut = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean_tanggal(self) -> date:
        tanggal = self.cleaned_data["tanggal"]
        if tanggal > timezone.localdate():
            raise forms.ValidationError(_("The visit date cannot be in the future."))
        return tanggal

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get(
            "tindak_lanjut"
        ) == KunjunganRumah.TindakLanjut.KUNJUNGAN_ULANG and not data.get("tanggal_tindak_lanjut"):
            self.add_error("tanggal_tindak_lanjut", _("Give the date of the next visit."))
        return data


class MemberForm(forms.Form):
    """One family member: seen or not, the checklist of their life stage, measurements."""

    dikunjungi = forms.BooleanField(label=_("Seen at this visit"), required=False)
    berat_kg = DecimalCommaField(
        label=_("Weight (kg)"),
        required=False,
        decimal_places=2,
    )
    tinggi_cm = DecimalCommaField(
        label=_("Length/height (cm)"),
        required=False,
        decimal_places=1,
    )
    cara_ukur = forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", "–"), *Pengukuran.CaraUkur.choices]
    )
    lila_cm = DecimalCommaField(
        label=_("Upper arm (LiLA, cm)"),
        required=False,
        decimal_places=1,
    )
    sistole = forms.IntegerField(
        label=_("Systolic (mmHg)"),
        required=False,
        error_messages={
            "min_value": _(
                "Systolic pressure below %(limit_value)s mmHg is not possible; "
                "check the typing or measure again."
            ),
            "max_value": _(
                "Systolic pressure above %(limit_value)s mmHg is not possible; "
                "check the typing or measure again."
            ),
            "invalid": _("Enter the pressure as a whole number, for example 120."),
        },
        min_value=50,
        max_value=300,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    diastole = forms.IntegerField(
        label=_("Diastolic (mmHg)"),
        required=False,
        error_messages={
            "min_value": _(
                "Diastolic pressure below %(limit_value)s mmHg is not possible; "
                "check the typing or measure again."
            ),
            "max_value": _(
                "Diastolic pressure above %(limit_value)s mmHg is not possible; "
                "check the typing or measure again."
            ),
            "invalid": _("Enter the pressure as a whole number, for example 120."),
        },
        min_value=20,
        max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    catatan = forms.CharField(label=_("Note"), required=False, max_length=250)
    # asked only when the person was already measured that day (kunjungan_rumah.measure)
    ulang = forms.ChoiceField(
        label=_("Does the new measurement replace it?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("ganti", _("Replace the first (ganti)")), ("tambah", _("Keep both (tambah)"))],
    )

    def __init__(
        self,
        *args: Any,
        stage: str,
        sasaran: Sasaran | None = None,
        on: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sasaran, self.on = sasaran, on
        self.items = checklist.items_for(stage)
        for item in self.items:
            self.fields[f"c_{item.code}"] = forms.BooleanField(label=item.label, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (data.get("sistole") is None) != (data.get("diastole") is None):
            missing = "diastole" if data.get("diastole") is None else "sistole"
            if missing not in self.errors:  # next to the box to fill, inside its section
                self.add_error(missing, _("Give both systolic and diastolic pressure."))
        if data.get("tinggi_cm") is not None and not data.get("cara_ukur"):
            self.add_error("cara_ukur", _("Say whether the child was measured lying or standing."))
        if self.sasaran is not None:
            # What cannot be true (sesi/rules/batas_mutlak.json), with the message of the limit
            # at this age: "Panjang/tinggi -5 cm tidak mungkin ... Isi nilai antara ... cm".
            on = self.on or timezone.localdate()
            refused = hard_limit_errors(
                {k: v for k, v in data.items() if k not in self.errors},
                umur_bulan=completed_months(self.sasaran.tanggal_lahir, on),
                jenis_kelamin=self.sasaran.jenis_kelamin,
            )
            for name, text in refused.items():
                self.add_error(name, text)
        else:  # no person to take the age from: only what is never a measurement
            for name in ("berat_kg", "tinggi_cm", "lila_cm"):
                value = data.get(name)
                if name not in self.errors and value is not None and value <= 0:
                    self.add_error(name, _("Enter a value greater than zero."))
        return data

    @property
    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[f"c_{item.code}"] for item in self.items]

    def section_has_errors(self, names: list[str]) -> bool:
        return any(name in self.errors for name in names)

    @property
    def checklist_has_errors(self) -> bool:
        """The checklist section opens when one of its boxes has an error."""
        return self.section_has_errors([f"c_{item.code}" for item in self.items])

    @property
    def measurement_has_errors(self) -> bool:
        """The measurement section opens when one of its values has an error."""
        return self.section_has_errors([f.name for f in self.measurement_fields])

    @property
    def measurement_fields(self) -> list[forms.BoundField]:
        return [
            self[n]
            for n in ("berat_kg", "tinggi_cm", "cara_ukur", "lila_cm", "sistole", "diastole")
        ]

    def answers(self) -> dict[str, bool]:
        return {item.code: bool(self.cleaned_data.get(f"c_{item.code}")) for item in self.items}

    def measurement(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k)
            for k in ("berat_kg", "tinggi_cm", "cara_ukur", "lila_cm", "sistole", "diastole")
        }
