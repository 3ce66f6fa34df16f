"""Decimals as people type and read them: Indonesian users write a decimal comma ("9,5"),
phones and English users a dot ("9.5"). One parser for every form and API input, one
formatter for text built in Python (templates use Django's localization)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from django.utils import formats
from pydantic import BeforeValidator

# Digits with at most one decimal mark (the mark already turned into a dot); no exponents,
# no underscores, no inf/NaN: nobody types those on a scale.
_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
# Digits grouped by thousands ("1.234" or "1,234"), before the decimal mark.
_GROUPED = {
    ".": re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$"),
    ",": re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$"),
}


class NotANumber(ValueError):
    """The text is not a number (letters, two decimal marks, ...)."""


def parse_decimal(value: Any) -> Decimal | None:
    """'9,5' or '9.5' -> Decimal('9.5'); None or blank -> None; NotANumber otherwise.

    With both marks the last one is the decimal mark and the other groups thousands:
    '1.234,5' (Indonesian) and '1,234.5' (English) -> Decimal('1234.5'). A single mark is
    always the decimal mark ('1.234' -> 1.234), as in the measurement forms.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if "," in text and "." in text:
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if mark == "," else ","
        whole, _, fraction = text.rpartition(mark)
        if not _GROUPED[group].match(whole) or not fraction.isdigit():
            raise NotANumber(value)
        text = f"{whole.replace(group, '')}.{fraction}"
    else:
        text = text.replace(",", ".")
    if not _PLAIN.match(text):
        raise NotANumber(value)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise NotANumber(value) from exc


def format_decimal(
    value: Decimal | float | int | None, places: int = 1, *, empty: str = "–"
) -> str:
    """The number with `places` decimals in the active language: '9,5' in Indonesian, '9.5'
    in English; thousands grouped ('1.234,5'). `empty` for None."""
    if value is None:
        return empty
    # Django's number_format cuts extra decimals off; round half up first (12.345 -> 12,35).
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=True)


def _api_decimal(value: Any) -> Any:
    """An API number: JSON numbers pass as they are, text goes through `parse_decimal` (so
    "9,5" is 9.5 in the API as in the forms); text that is not a number is refused (422)."""
    if isinstance(value, str):
        try:
            return parse_decimal(value)
        except NotANumber:
            raise ValueError(f"Bukan angka: {value!r} (contoh: 9,5 atau 9.5).") from None
    return value


# A decimal of an API schema (ninja/pydantic) that also accepts text typed with a comma.
DecimalIn = Annotated[Decimal | None, BeforeValidator(_api_decimal)]


def format_measured(value: Decimal | float | int | None, *, empty: str = "") -> str:
    """A measured value with the decimals it has, at most two, in the active language:
    9.80 -> '9,8', 76.5 -> '76,5', 75.00 -> '75' (what the kader typed, not '9.80')."""
    if value is None:
        return empty
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    places = min(2, max(0, -exponent)) if isinstance(exponent, int) else 0
    return format_decimal(value, places)
