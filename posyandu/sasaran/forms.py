from typing import Any

from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import DecimalCommaField, choice_field, model_choice_field
from posyandu.sasaran import bounds
from posyandu.sasaran.models import Keluarga, Persetujuan, Sasaran
from posyandu.sasaran.nik import ascii_digits, clean_nik, nik_errors, nik_warnings
from posyandu.sasaran.selectors import nik_lookup, people_visible
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
        if kk and (len(kk) != 16 or not ascii_digits(kk)):
            raise forms.ValidationError(gettext("The KK number must have 16 digits."))
        return kk


class PersonChoiceField(forms.ModelChoiceField):
    """A person picker whose options tell people with the same name apart (age, last 4
    digits of the NIK, RT/RW, household)."""

    def label_from_instance(self, obj: Any) -> str:
        return bounds.person_label(obj, timezone.localdate())


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
            "rt",
            "rw",
            "berat_lahir_g",
            "panjang_lahir_cm",
        ]
        widgets = {"tanggal_lahir": DATE, "jenis_kelamin": forms.RadioSelect}
        field_classes = {"panjang_lahir_cm": DecimalCommaField, "ibu": PersonChoiceField}

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
        # Sex is chosen, never preselected (no "---------" radio checked by default).
        choice_field(self, "jenis_kelamin").choices = Sasaran.Sex.choices
        today = timezone.localdate()
        # Only plausible mothers are offered (rule data): women 10-55 years older than the
        # child, or aged 10-60 today while the child's birth date is unknown. A posted choice
        # is validated against every woman old enough (10 years), so that clean() can say why
        # a mother does not fit this child rather than "not one of the choices".
        ibu = model_choice_field(self, "ibu")
        assert ibu.queryset is not None
        women = ibu.queryset.prefetch_related("keluarga")
        if self.is_bound:
            _earliest, latest = bounds.mother_born_range(today)
            ibu.queryset = women.filter(tanggal_lahir__lte=latest)
        else:
            child_born = self.instance.tanggal_lahir if self.instance.pk else None
            earliest, latest = bounds.mother_choice_born_range(today, child_born)
            plausible = models.Q(tanggal_lahir__range=(earliest, latest))
            if self.instance.ibu_id:  # the recorded mother stays selectable
                plausible |= models.Q(pk=self.instance.ibu_id)
            ibu.queryset = women.filter(plausible)
        self.fields["tanggal_lahir"].widget.attrs.update(
            {"min": bounds.earliest_birth().isoformat(), "max": today.isoformat()}
        )
        self.fields["berat_lahir_g"].widget.attrs.update({"inputmode": "numeric"})
        for name in ("rt", "rw"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "size": 3})

    def clean_tanggal_lahir(self) -> Any:
        """Between 1900 and today (every age-based rule needs a past date: the visit and
        person pages used to fail on a future one)."""
        born = self.cleaned_data.get("tanggal_lahir")
        if born is not None:
            error = bounds.birth_date_error(born, timezone.localdate())
            if error:
                raise forms.ValidationError(error)
        return born

    def clean_berat_lahir_g(self) -> Any:
        grams = self.cleaned_data.get("berat_lahir_g")
        if grams is not None and (error := bounds.birth_weight_error(grams)):
            raise forms.ValidationError(error)
        return grams

    def clean_panjang_lahir_cm(self) -> Any:
        cm = self.cleaned_data.get("panjang_lahir_cm")
        if cm is not None and (error := bounds.birth_length_error(cm)):
            raise forms.ValidationError(error)
        return cm

    def _clean_rt_rw(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not ascii_digits(value):
            raise forms.ValidationError(gettext("RT and RW are numbers, e.g. 002."))
        return value.zfill(3) if value else ""

    def clean_rt(self) -> str:
        return self._clean_rt_rw("rt")

    def clean_rw(self) -> str:
        return self._clean_rt_rw("rw")

    def clean_nik(self) -> str | None:
        nik = validate_nik_field(self.cleaned_data.get("nik") or "")
        if not nik:
            return None
        if self.instance.pk and nik == self.instance.nik:
            return nik  # unchanged: no lookup
        # The one national lookup: rate limited and audited; a NIK outside the user's scope
        # says only that it is registered elsewhere (never where, nor whose).
        lookup = nik_lookup(self.user, nik, exclude_pk=self.instance.pk, via="form")
        if lookup.found == "limited":
            raise forms.ValidationError(
                gettext("Too many NIK checks in a short time. Wait a while and try again.")
            )
        if lookup.found == "visible" and lookup.person is not None:
            existing = lookup.person
            url = reverse("sasaran:detail", args=[existing.public_id])
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("This NIK is already registered."),
                    url,
                    gettext("Open %(name)s") % {"name": existing.nama},
                )
            )
        if lookup.found == "elsewhere":
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext(
                        "This NIK is already registered at a Posyandu you cannot see, so it "
                        "cannot be registered again. Ask for the person to move to your "
                        "Posyandu: their bidan decides."
                    ),
                    reverse("sasaran:pindah_masuk"),
                    gettext("Request a transfer (pindah masuk)"),
                )
            )
        return nik

    def clean_nik_ibu(self) -> str:
        return validate_nik_field(self.cleaned_data.get("nik_ibu") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        ibu, born = data.get("ibu"), data.get("tanggal_lahir")
        if ibu is not None and born is not None:
            error = bounds.mother_error(
                mother_sex=ibu.jenis_kelamin, mother_born=ibu.tanggal_lahir, child_born=born
            )
            if error:
                self.add_error("ibu", error)
        if born is not None and self.errors:  # shown again: offer this child's plausible mothers
            earliest, latest = bounds.mother_born_range(born)
            ibu_field = model_choice_field(self, "ibu")
            assert ibu_field.queryset is not None
            ibu_field.queryset = ibu_field.queryset.filter(tanggal_lahir__range=(earliest, latest))
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


class PindahMasukForm(forms.Form):
    """Ask to move a person registered at another Posyandu into one of yours."""

    nik = forms.CharField(label="NIK", max_length=25)
    nama = forms.CharField(label=_("Name (as the person says)"), max_length=150)
    tanggal_lahir = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    ke_posyandu: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Move to Posyandu"), queryset=None
    )
    alasan = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("For example: the family moved to this village."),
    )

    def __init__(self, *args: Any, posyandu_qs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "ke_posyandu").queryset = posyandu_qs
        if posyandu_qs.count() == 1:
            self.fields["ke_posyandu"].initial = posyandu_qs.first()
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_nik(self) -> str:
        nik = validate_nik_field(self.cleaned_data.get("nik") or "")
        if not nik:
            raise forms.ValidationError(gettext("Enter the NIK."))
        return nik


class PindahKeputusanForm(forms.Form):
    keputusan = forms.ChoiceField(
        choices=[("setujui", _("approve")), ("tolak", _("refuse"))], widget=forms.HiddenInput
    )
    catatan = forms.CharField(label=_("Note"), max_length=300, required=False)
