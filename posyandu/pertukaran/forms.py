"""The upload form (file, destination, layout) and the e-PPGBM export form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from posyandu.accounts.scope import restrict
from posyandu.core.forms import choice_field
from posyandu.core.periods import current_month, period_of
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.pertukaran.layouts import layouts

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".ods")


def destinations(user: Any) -> list[tuple[str, Any]]:
    """Posyandu and Puskesmas the user may import into or export from, as choices."""
    choices = [
        (f"posyandu:{p.public_id}", f"Posyandu {p.nama} ({p.desa_id})")
        for p in restrict(Posyandu.objects.all(), user).order_by("nama")
    ]
    choices += [
        (f"puskesmas:{p.public_id}", f"{_('Puskesmas')} {p.nama} — {_('Posyandu from the file')}")
        for p in restrict(Puskesmas.objects.all(), user).order_by("nama")
    ]
    return choices


def _layout_choices(blank: bool) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [(name, layout.label) for name, layout in layouts().items()]
    return ([("", _("Detect from the file"))] if blank else []) + found


class ImportForm(forms.Form):
    tujuan = forms.ChoiceField(label=_("Import into"))
    berkas = forms.FileField(label=_("File (.xlsx, .xls or .csv)"))
    layout = forms.ChoiceField(label=_("Layout"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "tujuan").choices = destinations(user)
        choice_field(self, "layout").choices = _layout_choices(blank=True)

    def clean_berkas(self) -> Any:
        upload = self.cleaned_data["berkas"]
        name = (upload.name or "").lower()
        if not name.endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx, .xls or .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ExportForm(forms.Form):
    tujuan = forms.ChoiceField(label=_("Posyandu or Puskesmas"))
    bulan = forms.RegexField(
        label=_("Month (YYYY-MM)"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7
    )
    layout = forms.ChoiceField(label=_("Layout"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "tujuan").choices = destinations(user)
        choice_field(self, "layout").choices = _layout_choices(blank=False)
        self.fields["bulan"].initial = period_of(current_month())


class UndoForm(forms.Form):
    alasan = forms.CharField(label=_("Reason"), max_length=200)
