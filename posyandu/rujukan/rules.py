"""Reasons that suggest a referral, by code, with their words for the kader."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "2T": _("No weight gain two months in a row (2T)"),
    "bb_u_below_-3sd": _("Weight-for-age below -3 SD (severely underweight)"),
    "gizi_buruk": _("Severe wasting (gizi buruk) or oedema"),
    "tanda_bahaya": _("Danger signs"),
}


def _screening_label(code: str) -> str | None:
    """A screening's referral rule ("<definition>:<category>") in the active language."""
    from posyandu.skrining import engine
    from posyandu.skrining.templatetags.ilp_tags import loc

    def_id, _sep, category = code.partition(":")
    label = engine.category_label(def_id, category)
    if label is None:
        return None
    return f"{loc(engine.definition(def_id)['title'])}: {loc(label)}"


def reason_label(code: str) -> str:
    if code in LABELS:
        return str(LABELS[code])
    if ":" in code:
        return _screening_label(code) or code
    return code


def reasons_text(codes: list[str]) -> str:
    return "; ".join(reason_label(c) for c in codes)
