"""Reasons that suggest a referral, by code, with their words for the kader."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "2T": _("No weight gain two months in a row (2T)"),
    "bb_u_below_-3sd": _("Weight-for-age below -3 SD (severely underweight)"),
    "gizi_buruk": _("Severe wasting (gizi buruk) or oedema"),
    "tanda_bahaya": _("Danger signs"),
}


def reason_label(code: str) -> str:
    return str(LABELS.get(code, code))


def reasons_text(codes: list[str]) -> str:
    return "; ".join(reason_label(c) for c in codes)
