from datetime import date

import pytest
from django.utils import translation

from posyandu.sasaran.nik import clean_nik, nik_errors, nik_warnings, parse_nik

KNOWN = {"14.71.01", "17.05.01"}
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def errors(nik: str) -> list[str]:
    return nik_errors(nik, kecamatan_exists=KNOWN.__contains__, today=TODAY)


def test_parts_of_a_womans_nik():
    parts = parse_nik("1471015708900003")
    assert parts.kecamatan == "14.71.01"
    assert parts.female and parts.birth_day == 17 and parts.month == 8 and parts.year2 == 90


@pytest.mark.parametrize("nik", ["1471011708900003", "1471015708900003", "1705013112250001"])
def test_valid(nik):
    assert errors(nik) == []


def test_clean_removes_spaces_and_dots():
    assert clean_nik("1471 01.57-08900003") == "1471015708900003"


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("147101170890000", "16 digits (this one has 15)"),
        ("14710117089000A3", "digits only"),
        ("1499011708900003", "Digits 1-6 (149901)"),
        ("1471013208900003", "Digits 7-8 (32)"),
        ("1471010008900003", "Digits 7-8 (00)"),
        ("1471017208900003", "Digits 7-8 (72)"),
        ("1471014008900003", "Digits 7-8 (40)"),
        ("1471011713900003", "Digits 9-10 (13)"),
        ("1471013102900003", "Digits 7-12 (310290)"),  # 31 February
        ("1471016902900003", "Digits 7-12 (690290)"),  # woman, 29 February 1990/2090
        ("1471011708900000", "cannot be 0000"),
    ],
)
def test_each_wrong_part_is_named(nik, fragment):
    found = errors(nik)
    assert len(found) == 1
    assert fragment in found[0]


def test_leap_day_is_valid():
    assert errors("1471012902000001") == []  # 29-02-2000


def test_two_wrong_parts_give_two_messages():
    assert len(errors("9999993208900000")) == 3


def test_wrong_day_and_wrong_month_are_both_named():
    found = errors("1471013513900003")  # day 35, month 13
    assert len(found) == 2
    assert "Digits 7-8 (35)" in found[0]
    assert "Digits 9-10 (13)" in found[1]


def test_mismatch_of_sex_and_birth_date_is_only_a_warning():
    nik = "1471015708900003"  # woman born 17-08-1990
    assert nik_warnings(nik, tanggal_lahir=date(1990, 8, 17), jenis_kelamin="P") == []
    warnings = nik_warnings(nik, tanggal_lahir=date(1990, 8, 18), jenis_kelamin="L")
    assert len(warnings) == 2
    assert "woman" in warnings[0]
    assert "17-08-90" in warnings[1] and "18-08-1990" in warnings[1]
