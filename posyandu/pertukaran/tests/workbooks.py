"""Dirty workbooks of each layout, written by the tests themselves (openpyxl, csv)."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def xlsx(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text a user typed, not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], delimiter: str = ";", encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


# NIK of Kota Pekanbaru, kecamatan 14.71.01 (the test world), born 10-03-2025, a boy / a girl
NIK_BOY = "1471011003250001"
NIK_GIRL = "1471015003250002"  # day + 40: a girl
SERIAL_2025_03_10 = 45726  # Excel serial of 10-03-2025


def one_sheet_rows() -> list[list[Any]]:
    """The plain layout, dirty: a title above the header, loose headers, serial dates,
    dd/mm/yyyy, 1/2 for sex, decimal commas, a bad row of each kind."""
    return [
        ["DATA PENIMBANGAN BALITA POSYANDU MELATI"],  # row 1: a title
        [],  # row 2
        [
            "No",
            "N I K",
            "Nama Balita",
            "Tgl. Lahir",
            "JK (L/P)",
            "Nama Ibu Kandung",  # row 3
            "TGL_UKUR",
            "BB (kg)",
            "TB/PB (cm)",
            "Cara ukur",
            "LILA",
            "Lingkar Kepala",
        ],
        [
            1,
            NIK_BOY,
            "Budi Santoso",
            SERIAL_2025_03_10,
            "1",
            "Siti Aminah",
            "05/08/2026",
            "9,5",
            "75,2",
            "terlentang",
            "14,1",
            "45",
        ],  # row 4
        [
            2,
            NIK_BOY,
            "Budi Santoso",
            SERIAL_2025_03_10,
            "1",
            "Siti Aminah",
            "09-09-2026",
            "9,8",
            "76",
            "",
            "",
            "",
        ],  # row 5: same child, next month
        [
            3,
            "",
            "Ani Lestari",
            "2024-06-01",
            "perempuan",
            "Rina",
            "2026-09-09",
            "10.1",
            "80.5",
            "Berdiri",
            "",
            "",
        ],  # row 6: no NIK, ISO dates
        [4, "", "", "01/01/2025", "L", "Wati", "09/09/2026", "9", "", "", "", ""],  # row 7: no name
        [5, "", "Cici", "31/02/2025", "P", "Yuli", "09/09/2026", "9", "", "", "", ""],  # row 8
        [6, "", "Dodi", "01/01/2025", "X", "Yuli", "09/09/2026", "9", "", "", "", ""],  # row 9
        [7, "", "Eka", "01/01/2025", "2", "Yuli", "09/09/2026", "sembilan", "", "", "", ""],  # 10
        [8, "", "Fajar", "01/01/2025", "L", "Yuli", "09/09/2026", "95", "", "", "", ""],  # row 11
        [],  # row 12: blank, not data
        [9, "", '=HYPERLINK("x")', "01/01/2025", "L", "Yuli", "01/01/2027", "9", "", "", "", ""],
    ]
