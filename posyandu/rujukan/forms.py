from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import choice_field
from posyandu.fasilitas.models import Posyandu
from posyandu.rujukan.models import Rujukan


class ReferralForm(forms.Form):
    alasan = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3})
    )
    aturan = forms.CharField(widget=forms.HiddenInput, required=False)
    tujuan = forms.ChoiceField(label=_("Refer to"), choices=())

    def __init__(self, *args: Any, posyandu: Posyandu, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("puskesmas", posyandu.puskesmas.nama)]
        if posyandu.pustu is not None:
            choices.insert(0, ("pustu", f"{posyandu.pustu.nama} ({posyandu.puskesmas.nama})"))
        choice_field(self, "tujuan").choices = choices


class FeedbackForm(forms.Form):
    """The Puskesmas's answer: a structured outcome (none preselected), what it found and did,
    and for a rujuk balik the advice the kader follows."""

    hasil = forms.ChoiceField(
        label=_("Outcome"), choices=Rujukan.Hasil.choices, widget=forms.RadioSelect
    )
    umpan_balik = forms.CharField(
        label=_("Feedback (what was found and done)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    saran_kader = forms.CharField(
        label=_("Advice for the kader (referred back)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("hasil") == Rujukan.Hasil.RUJUK_BALIK
            and not (data.get("saran_kader") or "").strip()
        ):
            self.add_error("saran_kader", _("Write what the kader should do next."))
        return data
