from typing import Any

from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import model_choice_field
from posyandu.sasaran.models import Keluarga, Persetujuan, Sasaran
from posyandu.sasaran.nik import clean_nik, nik_errors, nik_warnings
from posyandu.sasaran.selectors import people_visible
from posyandu.wilayah.models import Wilayah

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def kecamatan_exists(kode: str) -> bool:
    return Wilayah.objects.filter(kode=kode).exists()


def validate_nik_field(raw: str) -> str:
    nik = clean_nik(raw)
    if nik:
        errors = nik_errors(nik, kecamatan_exists=kecamatan_exists)
        if errors:
            raise forms.ValidationError(errors)
    return nik


class KeluargaForm(forms.ModelForm):
    class Meta:
        model = Keluarga
        fields = ["kepala_keluarga", "no_kk", "dusun", "rt", "rw", "alamat"]

    def clean_no_kk(self) -> str:
        kk = clean_nik(self.cleaned_data.get("no_kk", ""))
        if kk and (len(kk) != 16 or not kk.isdigit()):
            raise forms.ValidationError(gettext("The KK number must have 16 digits."))
        return kk


class SasaranForm(forms.ModelForm):
    persetujuan_oleh = forms.CharField(
        label=_("Consent given by"),
        max_length=150,
        help_text=_("Name of the person (or parent) who agreed to the data being recorded."),
    )
    persetujuan_hubungan = forms.CharField(
        label=_("Relation to the person"), max_length=50, initial="ibu", required=False
    )
    persetujuan_tujuan = forms.MultipleChoiceField(
        label=_("Consent for"),
        choices=Persetujuan.Tujuan.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Persetujuan.Tujuan.PELAYANAN, Persetujuan.Tujuan.PELAPORAN],
    )
    konfirmasi_bukan_duplikat = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False
    )

    class Meta:
        model = Sasaran
        fields = [
            "posyandu",
            "nama",
            "jenis_kelamin",
            "tanggal_lahir",
            "tanggal_lahir_perkiraan",
            "nik",
            "keluarga",
            "ibu",
            "nama_ibu",
            "nik_ibu",
            "telepon",
            "no_bpjs",
            "punya_buku_kia",
        ]
        widgets = {"tanggal_lahir": DATE, "jenis_kelamin": forms.RadioSelect}

    def __init__(self, *args: Any, user: Any, posyandu_qs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.warnings: list[str] = []
        model_choice_field(self, "posyandu").queryset = posyandu_qs
        if posyandu_qs.count() == 1:
            self.fields["posyandu"].initial = posyandu_qs.first()
        self.fields["nik"].required = False
        self.fields["nik"].help_text = _("16 digits; leave empty if the person has none yet.")
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["nik_ibu"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["telepon"].widget.attrs.update({"inputmode": "tel"})
        visible = people_visible(user)
        model_choice_field(self, "keluarga").queryset = Keluarga.objects.filter(
            posyandu__in=posyandu_qs
        ).order_by("kepala_keluarga")
        model_choice_field(self, "ibu").queryset = visible.filter(jenis_kelamin="P").order_by(
            "nama"
        )
        self.fields["ibu"].required = False

    def clean_tanggal_lahir(self) -> Any:
        """A birth date after today cannot be right (and every age-based rule needs a past
        date: the visit and person pages used to fail on it)."""
        born = self.cleaned_data.get("tanggal_lahir")
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError(gettext("The date cannot be in the future."))
        return born

    def clean_nik(self) -> str | None:
        nik = validate_nik_field(self.cleaned_data.get("nik") or "")
        if not nik:
            return None
        existing = Sasaran.objects.filter(nik=nik).exclude(pk=self.instance.pk).first()
        if existing is not None:
            if people_visible(self.user, include_merged=True).filter(pk=existing.pk).exists():
                url = reverse("sasaran:detail", args=[existing.public_id])
                raise forms.ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext("This NIK is already registered."),
                        url,
                        gettext("Open %(name)s") % {"name": existing.nama},
                    )
                )
            raise forms.ValidationError(
                gettext(
                    "This NIK is already registered at another Posyandu (%(posyandu)s). Ask "
                    "the kader or the bidan there to move the person to your Posyandu."
                )
                % {"posyandu": existing.posyandu.nama}
            )
        return nik

    def clean_nik_ibu(self) -> str:
        return validate_nik_field(self.cleaned_data.get("nik_ibu") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        nik = data.get("nik")
        if nik:
            self.warnings = nik_warnings(
                nik,
                tanggal_lahir=data.get("tanggal_lahir"),
                jenis_kelamin=data.get("jenis_kelamin"),
            )
        return data

    def consent(self) -> dict[str, Any]:
        return {
            "diberikan_oleh": self.cleaned_data["persetujuan_oleh"],
            "hubungan": self.cleaned_data.get("persetujuan_hubungan") or "diri sendiri",
            "tujuan": self.cleaned_data["persetujuan_tujuan"],
        }

    def model_fields(self) -> dict[str, Any]:
        names = [f for f in self.Meta.fields if f != "posyandu"]
        return {name: self.cleaned_data.get(name) for name in names}


class MergeForm(forms.Form):
    lainnya = forms.UUIDField(label=_("Record to merge into this one (its id)"))


class SasaranEditForm(SasaranForm):
    """Edit a registered person: the same NIK checks and duplicate rules as registration,
    without a new consent (consent is recorded once, at registration)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("persetujuan_oleh", "persetujuan_hubungan", "persetujuan_tujuan"):
            del self.fields[name]
        if self.instance.pk:
            ibu = model_choice_field(self, "ibu")
            assert ibu.queryset is not None  # set by SasaranForm.__init__
            ibu.queryset = ibu.queryset.exclude(pk=self.instance.pk)
            # the current household stays selectable even when it belongs elsewhere
            model_choice_field(self, "keluarga").queryset = Keluarga.objects.filter(
                models.Q(posyandu__in=kwargs["posyandu_qs"])
                | models.Q(pk=self.instance.keluarga_id)
            ).order_by("kepala_keluarga")


class StatusForm(forms.Form):
    """Moved away or deceased, from a date (reports count people by status on a day)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Sasaran.Status.AKTIF, _("active")),
            (Sasaran.Status.PINDAH, _("moved away")),
            (Sasaran.Status.MENINGGAL, _("deceased")),
        ],
        widget=forms.RadioSelect,
    )
    sejak = forms.DateField(label=_("Since (date)"), required=False, widget=DATE)


class MemberAddForm(forms.Form):
    anggota = forms.UUIDField(label=_("Person to add (choose from the list)"))
