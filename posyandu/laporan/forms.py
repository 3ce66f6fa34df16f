"""Input of the laporan screens: the upload of the Dinkes target populations."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 5 * 1024 * 1024  # a Dinkes workbook of every desa of a province fits in 5 MB


class ProyeksiUploadForm(forms.Form):
    berkas = forms.FileField(label=_("File (xlsx or CSV)"))
    tahun = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    sumber = forms.CharField(
        label=_("Source"), max_length=200, help_text=_("e.g. Dinkes Kota Pekanbaru, Profil 2026")
    )
    versi = forms.CharField(
        label=_("Version"), max_length=40, help_text=_("as the source names it, or its date")
    )

    def clean_berkas(self) -> object:
        berkas = self.cleaned_data["berkas"]
        name = berkas.name.lower()
        if not name.endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("Only xlsx or CSV files can be imported."))
        if berkas.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return berkas
