"""Forms of the Pokjanal workspace; choices are limited to the workspace's region."""

from functools import cache
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import model_choice_field
from posyandu.core.rules import load_rule
from posyandu.fasilitas.models import Posyandu
from posyandu.pokjanal.models import (
    Anggota,
    KunjunganPembinaan,
    ProgramOpd,
    Rapat,
    SpmPosyandu,
    TindakLanjut,
)
from posyandu.wilayah.models import Wilayah, in_region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@cache
def checklist() -> dict[str, Any]:
    return load_rule("pokjanal", "pembinaan_checklist").data


class AnggotaForm(forms.ModelForm):
    class Meta:
        model = Anggota
        fields = ["nama", "jabatan", "opd", "telepon", "aktif"]


class RapatForm(forms.ModelForm):
    class Meta:
        model = Rapat
        fields = ["tanggal", "judul", "notulen", "keputusan", "hadir"]
        widgets = {"tanggal": DATE, "hadir": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, kode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "hadir").queryset = Anggota.objects.filter(
            wilayah_id=kode, aktif=True
        )


class TindakLanjutForm(forms.ModelForm):
    class Meta:
        model = TindakLanjut
        fields = ["uraian", "penanggung_jawab", "batas_waktu", "selesai"]
        widgets = {"batas_waktu": DATE, "selesai": DATE}

    def __init__(self, *args: Any, kode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "penanggung_jawab").queryset = Anggota.objects.filter(
            wilayah_id=kode
        )


class ProgramOpdForm(forms.ModelForm):
    class Meta:
        model = ProgramOpd
        fields = ["opd", "nama", "desa", "posyandu", "status", "mulai", "selesai", "keterangan"]
        widgets = {"mulai": DATE, "selesai": DATE}

    def __init__(self, *args: Any, kode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "desa").queryset = Wilayah.objects.filter(
            in_region("kode", kode), tingkat=Wilayah.Tingkat.DESA
        ).order_by("kode")
        model_choice_field(self, "posyandu").queryset = Posyandu.objects.filter(
            in_region("desa__kode", kode)
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        posyandu, desa = data.get("posyandu"), data.get("desa")
        if posyandu and desa and posyandu.desa_id != desa.kode:
            self.add_error("posyandu", _("This Posyandu is not in the chosen desa."))
        if data.get("mulai") and data.get("selesai") and data["selesai"] < data["mulai"]:
            self.add_error("selesai", _("The end is before the start."))
        return data


class PembinaanForm(forms.ModelForm):
    class Meta:
        model = KunjunganPembinaan
        fields = [
            "posyandu",
            "tanggal",
            "pembina",
            "temuan",
            "tindak_lanjut",
            "tindak_lanjut_selesai",
        ]
        widgets = {"tanggal": DATE}

    def __init__(self, *args: Any, kode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "posyandu").queryset = Posyandu.objects.filter(
            in_region("desa__kode", kode)
        )
        model_choice_field(self, "pembina").queryset = Anggota.objects.filter(
            in_region("wilayah__kode", kode)
        )
        lang = "id" if (translation.get_language() or "id").startswith("id") else "en"
        saved = self.instance.checklist or {}
        for item in checklist()["items"]:
            self.fields[f"cek_{item['code']}"] = forms.BooleanField(
                label=item["label"][lang], required=False, initial=bool(saved.get(item["code"]))
            )

    def checklist_fields(self) -> list[Any]:
        return [self[f"cek_{i['code']}"] for i in checklist()["items"]]

    def main_fields(self) -> list[Any]:
        return [self[f] for f in self.Meta.fields]

    def save(self, commit: bool = True) -> KunjunganPembinaan:
        self.instance.checklist = {
            i["code"]: bool(self.cleaned_data.get(f"cek_{i['code']}")) for i in checklist()["items"]
        }
        self.instance.checklist["_versi"] = checklist()["version"]
        return super().save(commit)


class SpmPosyanduForm(forms.ModelForm):
    """The six SPM fields of Permendagri 13/2024: what the Posyandu did in each this year."""

    class Meta:
        model = SpmPosyandu
        fields = list(SpmPosyandu.FIELDS)
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in SpmPosyandu.FIELDS}


FORMS = {
    "anggota": AnggotaForm,
    "rapat": RapatForm,
    "tindak": TindakLanjutForm,
    "program": ProgramOpdForm,
    "pembinaan": PembinaanForm,
}
