"""Cell values as registers write them: dates (Excel serials, dd-mm-yyyy, dd/mm/yyyy, ISO,
"5 Januari 2024"), sex (L/P, 1/2, words), measuring position, decimals with a comma or a dot,
NIK typed or stored as a number. Each parser returns the value or raises CellError with the
reason in the user's language. The words are rule data (rules/nilai.json)."""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.core.numbers import NotANumber, parse_decimal
from posyandu.core.rules import load_rule

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year bug)
SERIAL_RANGE = (1, 2958465)  # up to 9999-12-31
_DMY = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"^(\d{1,2})[ -]+([a-z]+)[ -]+(\d{4})$")


class CellError(ValueError):
    """A cell that cannot be read as what its column holds."""


@cache
def rules() -> dict[str, Any]:
    return load_rule("pertukaran", "nilai").data


def rule_stamp() -> str:
    return load_rule("pertukaran", "nilai").stamp


def plain(text: str) -> str:
    """Lower case, accents gone, anything but letters and digits a single space."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_of(value: Any) -> str:
    """A cell as text: whole numbers without '.0' (a NIK or RT stored as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def _show(value: Any) -> str:
    return text_of(value)[:40]


@cache
def _months() -> dict[str, int]:
    return {word: int(month) for month, words in rules()["bulan"].items() for word in words}


def _make_date(year: int, month: int, day: int, raw: Any) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(
            _("%(value)s is not a valid date (day 1-31, month 1-12).") % {"value": _show(raw)}
        ) from None


def _serial(number: float, raw: Any) -> date:
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise CellError(_("%(value)s is not a date.") % {"value": _show(raw)})
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_date(value: Any) -> date | None:
    """A date from a cell; None when blank. Day first (Indonesian order) for text."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), value)
    text = str(value).strip().lower()
    if text.replace(".", "", 1).isdigit():
        return _serial(float(text), value)
    match = _YMD.match(text)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]), value)
    match = _DMY.match(text)
    if match:
        year = int(match[3])
        if len(match[3]) == 2:  # 05-01-24: this century unless that is in the future
            year += 2000 if year <= timezone.localdate().year % 100 else 1900
        return _make_date(year, int(match[2]), int(match[1]), value)
    match = _WORDS.match(" ".join(re.sub(r"[,.]", " ", text).split()))
    if match and match[2] in _months():
        return _make_date(int(match[3]), _months()[match[2]], int(match[1]), value)
    raise CellError(
        _("%(value)s is not a date (write it as dd-mm-yyyy, for example 05-01-2024).")
        % {"value": _show(value)}
    )


@cache
def _vocabulary(key: str) -> dict[str, str]:
    return {plain(word): code for code, words in rules()[key].items() for word in words}


def parse_sex(value: Any) -> str | None:
    """'L' or 'P' from L/P, 1/2 or words; None when blank."""
    if is_blank(value):
        return None
    found = _vocabulary("jenis_kelamin").get(plain(text_of(value)))
    if found is None:
        raise CellError(
            _("%(value)s is not a sex (write L or P, 1 or 2, laki-laki or perempuan).")
            % {"value": _show(value)}
        )
    return found


def parse_position(value: Any) -> str | None:
    """'terlentang' or 'berdiri'; None when blank."""
    if is_blank(value):
        return None
    found = _vocabulary("cara_ukur").get(plain(text_of(value)))
    if found is None:
        raise CellError(
            _("%(value)s is not a measuring position (write terlentang or berdiri).")
            % {"value": _show(value)}
        )
    return found


def parse_number(value: Any, label: str) -> Decimal | None:
    """A decimal typed with a comma or a dot (core.numbers), or stored as a number."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(
            _("%(label)s: %(value)s is not a number.") % {"label": label, "value": value}
        )
    if isinstance(value, int | float):
        return Decimal(str(round(float(value), 3))).normalize()
    text = str(value).strip()
    text = re.sub(r"\s*(kg|cm|gr|gram|g)\.?$", "", text, flags=re.IGNORECASE)
    try:
        number = parse_decimal(text)
    except NotANumber:
        raise CellError(
            _("%(label)s: %(value)s is not a number (for example 9,5 or 9.5).")
            % {"label": label, "value": _show(value)}
        ) from None
    return number.normalize() if number is not None else None


def parse_nik(value: Any, label: str = "NIK") -> str:
    """The digits of a NIK ('' when blank); its structure is checked by sasaran.nik."""
    if is_blank(value):
        return ""
    text = text_of(value).lstrip("'`")
    digits = "".join(ch for ch in text if ch not in " .-")
    if not (digits.isascii() and digits.isdigit()):
        raise CellError(
            _("%(label)s %(value)s must contain digits only.") % {"label": label, "value": text}
        )
    return digits


def parse_text(value: Any, limit: int) -> str:
    return " ".join(text_of(value).split())[:limit]
