"""Reading a workbook into plain rows: .xlsx and .xls (python-calamine), .csv (`;` or `,`,
any common encoding, with or without a byte-order mark).

Row numbers are kept as the spreadsheet shows them (row 1 is the first line of the sheet or
file), so that a rejected row is reported where the user will find it."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from django.utils.translation import gettext as _

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
ENCODINGS = ("utf-8-sig", "utf-16", "cp1252", "latin-1")
DELIMITERS = ";,\t|"


class UnreadableFile(ValueError):
    """The file is not a workbook or CSV this reader knows (the message says why)."""


@dataclass
class SheetData:
    name: str
    rows: list[list[Any]]  # rows[i] is row number i + 1


def read_workbook(content: bytes, filename: str) -> list[SheetData]:
    """Every sheet of the file with its rows, by the file's extension (CSV when unknown and
    the bytes are not a workbook)."""
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [read_csv(content, Path(filename).stem)]
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises several error types for a broken file
        if suffix in EXCEL_SUFFIXES:
            raise UnreadableFile(
                _("The file %(name)s cannot be read as a workbook: %(error)s")
                % {"name": filename, "error": exc}
            ) from exc
        return [read_csv(content, Path(filename).stem)]
    sheets = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        sheets.append(SheetData(name=name, rows=[list(r) for r in rows]))
    return sheets


def decode(content: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """`;` (Indonesian Excel, decimal comma) or `,` or a tab: the one that splits the first
    lines most consistently."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv(content: bytes, name: str = "CSV") -> SheetData:
    text = decode(content)
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a text (CSV) file."))
    delimiter = sniff_delimiter(text)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return SheetData(name=name, rows=rows)
