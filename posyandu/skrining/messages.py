"""Input errors of the screening engine, in words (Bahasa Indonesia by default)."""

from django.utils.translation import gettext as _

from posyandu.skrining.engine import InputError


def error_text(error: InputError) -> str:
    p = error.params
    if error.code == "required":
        return _("This answer is required.")
    if error.code == "not_a_number":
        return _("Enter a number, e.g. 12.5.")
    if error.code == "not_an_integer":
        return _("Enter a whole number.")
    if error.code == "below_min":
        return _("Too low: the smallest possible value is %(min)s %(unit)s.") % p
    if error.code == "above_max":
        return _("Too high: the largest possible value is %(max)s %(unit)s.") % p
    return _("Choose one of the options.")


def errors_by_field(errors: list[InputError]) -> dict[str, str]:
    return {e.key: error_text(e) for e in errors}
