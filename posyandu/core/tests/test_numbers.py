from decimal import Decimal

import pytest
from django.utils import translation

from posyandu.core.numbers import NotANumber, format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9,5", Decimal("9.5")),
        ("9.5", Decimal("9.5")),
        (" 12,35 ", Decimal("12.35")),
        ("1.234,5", Decimal("1234.5")),  # Indonesian: dot groups thousands
        ("1,234.5", Decimal("1234.5")),  # English
        ("12.345.678,9", Decimal("12345678.9")),
        ("1.234", Decimal("1.234")),  # a single mark is the decimal mark
        ("-0,5", Decimal("-0.5")),
        ("9,", Decimal("9")),
        (",5", Decimal("0.5")),
        ("80", Decimal("80")),
        (8, Decimal("8")),
        (9.5, Decimal("9.5")),
        (Decimal("3.25"), Decimal("3.25")),
    ],
)
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_decimal_of_nothing_is_none(text):
    assert parse_decimal(text) is None


@pytest.mark.parametrize(
    "text",
    ["abc", "9,5 kg", "9..5", "9,5,1", "1.2.3", "12.34,5", "1.234,", "9 5", "1e3", "NaN",
     "inf", "1_000", "--1", True],
)  # fmt: skip
def test_parse_decimal_refuses_garbage(text):
    with pytest.raises(NotANumber):
        parse_decimal(text)
    assert issubclass(NotANumber, ValueError)  # callers that catch ValueError keep working


def test_format_decimal_follows_the_active_language():
    with translation.override("id"):
        assert format_decimal(Decimal("9.5")) == "9,5"
        assert format_decimal(1234.5) == "1.234,5"
        assert format_decimal(Decimal("12.345"), 2) == "12,35"
        assert format_decimal(None) == "–"
    with translation.override("en"):
        assert format_decimal(Decimal("9.5")) == "9.5"
        assert format_decimal(1234.5, 2) == "1,234.50"


def test_what_is_formatted_parses_back():
    with translation.override("id"):
        assert parse_decimal(format_decimal(Decimal("1234.5"))) == Decimal("1234.5")
