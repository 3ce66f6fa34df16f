"""Calendar months as 'YYYY-MM' strings and integer month indexes (year * 12 + month - 1)."""

import calendar
import re
from datetime import date

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(text: str) -> int:
    """'2025-03' -> month index. ValueError with an Indonesian message when malformed."""
    match = PERIOD_PATTERN.match(text or "")
    if not match:
        raise ValueError(f"Periode tidak valid: {text!r} (format YYYY-MM, mis. 2025-03)")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def last_day(index: int) -> date:
    year, month = index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])
