"""Reasons that suggest a referral, by code, with their words for the kader."""

from django.utils.translation import gettext_lazy as _

from posyandu.core import registry
from posyandu.core.rules import load_rule

LABELS = {
    "2T": _("No weight gain two months in a row (2T)"),
    "bb_u_below_-3sd": _("Weight-for-age below -3 SD (severely underweight)"),
    "gizi_buruk": _("Severe wasting (gizi buruk) or oedema"),
    "tanda_bahaya": _("Danger signs"),
}


def reason_label(code: str) -> str:
    """The words for a referral rule code: the growth and danger-sign codes here, the codes of
    other apps' rules (a screening's "<definition>:<category>") from the app that owns them
    (core.registry reason labels); the code itself when nobody knows it."""
    if code in LABELS:
        return str(LABELS[code])
    return registry.reason_label(code) or code


def reasons_text(codes: list[str]) -> str:
    return "; ".join(reason_label(c) for c in codes)


def feedback_days() -> int:
    """Days a referral may wait for feedback before it is escalated (rules/rujukan.json)."""
    return int(load_rule("rujukan", "rujukan").data["umpan_balik"]["batas_hari"])


def default_destination(codes: list[str]) -> str:
    """ "puskesmas" when a reason that fired must go straight to the Puskesmas (severe danger
    values, rules/rujukan.json tujuan.ke_puskesmas), else "pustu" (the nearer facility)."""
    urgent = set(load_rule("rujukan", "rujukan").data["tujuan"]["ke_puskesmas"])
    return "puskesmas" if urgent.intersection(codes) else "pustu"


# What the kader does next, per outcome the Puskesmas reported.
NEXT_STEPS = {
    "ditangani": _("Treated at the Puskesmas: check on them at the next Posyandu day."),
    "tidak_datang": _(
        "They did not come: visit the family and encourage them to go to the Puskesmas."
    ),
    "dirujuk_lanjut": _("Referred on to the hospital: ask the family how it went at a home visit."),
    "rujuk_balik": _("Referred back to the Posyandu: follow the Puskesmas's advice."),
}


def next_step(hasil: str) -> str:
    return str(NEXT_STEPS[hasil]) if hasil in NEXT_STEPS else ""
