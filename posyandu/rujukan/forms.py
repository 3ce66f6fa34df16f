from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from posyandu.core.forms import choice_field
from posyandu.fasilitas.models import Posyandu


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
    umpan_balik = forms.CharField(
        label=_("Feedback (what was found and done)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    selesai = forms.BooleanField(label=_("Referral completed"), required=False, initial=True)
