from datetime import date

import pytest

from posyandu.core.periods import (
    add_months,
    day_in_month,
    first_day,
    last_day,
    month_bounds,
    month_index,
    parse_period,
    period_of,
)


def test_period_round_trip_across_the_year_boundary():
    december, january = parse_period("2024-12"), parse_period("2025-01")
    assert january - december == 1
    assert (period_of(december), period_of(january)) == ("2024-12", "2025-01")
    assert month_index(date(2025, 1, 31)) == january
    assert (first_day(december), last_day(december)) == (date(2024, 12, 1), date(2024, 12, 31))
    assert first_day(december + 1) == date(2025, 1, 1)


@pytest.mark.parametrize("text", ["", "2025-3", "2025-13", "2025-00", "25-03", "2025/03", None])
def test_malformed_periods_are_refused(text):
    with pytest.raises(ValueError, match="Periode tidak valid"):
        parse_period(text)


def test_last_day_of_february_follows_leap_years():
    assert last_day(parse_period("2024-02")) == date(2024, 2, 29)
    assert last_day(parse_period("2025-02")) == date(2025, 2, 28)
    assert last_day(parse_period("2100-02")) == date(2100, 2, 28)  # not a leap year
    assert last_day(parse_period("2000-02")) == date(2000, 2, 29)


def test_month_bounds():
    assert month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(date(2025, 12, 31)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_day_in_month_clamps_to_a_shorter_month():
    assert day_in_month(parse_period("2025-04"), 31) == date(2025, 4, 30)
    assert day_in_month(parse_period("2025-02"), 30) == date(2025, 2, 28)
    assert day_in_month(parse_period("2025-05"), 15) == date(2025, 5, 15)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # last day of a longer month
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # Feb 29 into a common year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), -60, date(2019, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # across the year boundary
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 5, 31), -60, date(2020, 5, 31)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_add_months_clamps_to_the_last_day(day, months, expected):
    assert add_months(day, months) == expected
