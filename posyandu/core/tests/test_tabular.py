import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation
from openpyxl import load_workbook

from posyandu.core import tabular
from posyandu.core.tabular import ENGLISH, INDONESIAN, MACHINE, Sheet

WIB = ZoneInfo("Asia/Jakarta")


def test_formula_starts_are_neutralised_and_numbers_are_not() -> None:
    assert tabular.neutralise('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for text in ("+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"):
        assert tabular.neutralise(text) == "'" + text
    for text in ("-1.23", "+4", "-0,5", "Budi", "2026-09", ""):
        assert tabular.neutralise(text) == text


def test_indonesian_csv_has_bom_semicolon_decimal_comma_and_title() -> None:
    body = tabular.csv_bytes(
        ["nama", "berat"],
        [['=HYPERLINK("x")', Decimal("9.50")], ["Ani", 12.25], ["Citra", 7], ["-", None]],
        dialect=INDONESIAN,
        title="SKDN — Desa A",
    )
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "SKDN — Desa A"
    assert lines[1] == "nama;berat"
    assert lines[2] == '"\'=HYPERLINK(""x"")";9,50'
    assert lines[3:] == ["Ani;12,25", "Citra;7", "'-;"]


def test_english_and_machine_csv() -> None:
    rows = [["a", 1.5, date(2026, 9, 1)]]
    english = tabular.csv_bytes(["x", "y", "z"], rows, dialect=ENGLISH, title="T")
    assert english.decode("utf-8-sig").splitlines() == ["T", "x,y,z", "a,1.5,2026-09-01"]
    machine = tabular.csv_bytes(["x", "y", "z"], rows, dialect=MACHINE, title="T")
    assert not machine.startswith(b"\xef\xbb\xbf")
    assert machine.decode().splitlines() == ["x,y,z", "a,1.5,2026-09-01"]
    parsed = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert parsed[2] == ["a", "1.5", "2026-09-01"]


def test_dialect_follows_the_language() -> None:
    with translation.override("en"):
        assert tabular.dialect_for() is ENGLISH
    with translation.override("id"):
        assert tabular.dialect_for() is INDONESIAN


def test_xlsx_types_cells_and_never_writes_formulas() -> None:
    when = datetime(2026, 9, 16, 10, 0, tzinfo=WIB)
    body = tabular.xlsx_bytes(
        [
            Sheet(
                "F2",
                ["nama", "lahir", "berat", "n", "waktu"],
                [['=HYPERLINK("x")', date(2025, 1, 2), Decimal("9.5"), 3, when]],
                title="Judul",
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(body))["F2"]
    assert sheet["A1"].value == "Judul"
    assert [c.value for c in sheet[2]] == ["nama", "lahir", "berat", "n", "waktu"]
    name, born, weight, count, stamp = sheet[3]
    assert name.value == '\'=HYPERLINK("x")' and name.data_type == "s"
    assert born.is_date and born.value.date() == date(2025, 1, 2)
    assert weight.value == 9.5 and weight.data_type == "n"
    assert count.value == 3 and count.data_type == "n"
    assert stamp.is_date and stamp.value == when.replace(tzinfo=None)  # local time, as Excel


def test_title_row_names_region_period_and_time() -> None:
    when = datetime(2026, 9, 16, 10, 0, tzinfo=WIB)
    with translation.override("en"):
        text = tabular.title_row("SKDN", region="Kota Pekanbaru", period="2026-08", generated=when)
    assert text == "SKDN — Kota Pekanbaru — period 2026-08 — generated 16/09/2026 10:00 WIB"


def test_booleans_stay_true_false_for_machines_and_read_yes_no_for_people() -> None:
    assert tabular.csv_cell(True, MACHINE) == "True"
    with translation.override("en"):
        assert tabular.csv_cell(False, ENGLISH) == "no"
    body = tabular.xlsx_bytes([Sheet("s", ["x"], [[True]])])
    assert load_workbook(io.BytesIO(body))["s"]["A2"].value is True
