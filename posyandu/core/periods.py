"""Calendar months: 'YYYY-MM' period strings, integer month indexes (year * 12 + month - 1),
and dates moved by whole months. The one place that does month arithmetic."""

import calendar
import re
from datetime import date

from django.utils import timezone

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Years a period may name: reports look back and ahead by months from it, and Python's dates
# end at years 1 and 9999 (`?periode=0000-01` was a server error on every report).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def parse_period(text: str) -> int:
    """'2025-03' -> month index. ValueError with an Indonesian message when malformed."""
    match = PERIOD_PATTERN.match(text or "")
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
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


def day_in_month(index: int, day: int) -> date:
    """The `day`-th of the month, or its last day when the month is shorter (31 -> 30 Apr)."""
    end = last_day(index)
    return end.replace(day=min(day, end.day))


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last day of the month `day` falls in."""
    index = month_index(day)
    return first_day(index), last_day(index)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's last day:
    31 Jan + 1 -> 28/29 Feb, 29 Feb 2024 + 12 -> 28 Feb 2025."""
    return day_in_month(month_index(day) + months, day.day)


def current_month() -> int:
    """The month index of today (local time zone)."""
    return month_index(timezone.localdate())
