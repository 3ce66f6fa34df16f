"""Every CSV and xlsx the system writes, in one place.

Two audiences, two forms (issue 15):

- **People** open downloads in a spreadsheet. In Indonesian (`INDONESIAN`) a CSV uses `;`
  between cells and a decimal comma, so Indonesian Excel opens it in columns; in English
  (`ENGLISH`) `,` and a dot. Both start with a UTF-8 byte order mark (so Excel reads the
  names right) and may carry a title row (region, period, generation time: `title_row`).
- **Scripts** read the command-line outputs (`MACHINE`): `,`, dot decimals, UTF-8 without a
  mark, no title row, the documented column codes.

In every form, a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
neutralised with a leading apostrophe (OWASP “CSV injection”): a child named
`=HYPERLINK(...)` stays a name and never becomes a live formula. Text that is a plain number
(“-1.23”, a z-score) cannot be a formula and is left as it is.

xlsx cells are typed: dates as dates, numbers as numbers, everything else as text (never as
a formula, whatever it starts with).
"""

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# Characters that make a spreadsheet read a cell as a formula (or hide one behind them).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Dialect:
    """How one CSV is written: cell separator, decimal mark, byte order mark, title row."""

    name: str
    delimiter: str
    decimal: str
    bom: bool
    title: bool  # whether a title row (region, period, generation time) comes first


INDONESIAN = Dialect("id", ";", ",", bom=True, title=True)
ENGLISH = Dialect("en", ",", ".", bom=True, title=True)
MACHINE = Dialect("machine", ",", ".", bom=False, title=False)


def dialect_for(language: str | None = None) -> Dialect:
    """The people's dialect of `language` (default: the active language)."""
    lang = (language or get_language() or "id")[:2]
    return ENGLISH if lang == "en" else INDONESIAN


def neutralise(text: str) -> str:
    """`=HYPERLINK("x")` -> `'=HYPERLINK("x")`; plain numbers and other text unchanged."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _number_text(value: int | float | Decimal, decimal_mark: str) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = repr(value)  # shortest round-trip form: 80.0, 83.3 (as Python's csv wrote it)
    else:
        text = format(value, "f")
    return text.replace(".", decimal_mark)


def csv_cell(value: Any, dialect: Dialect = MACHINE) -> str:
    """One cell as CSV text: numbers with the dialect's decimal mark, dates ISO (yyyy-mm-dd,
    which Excel reads as a date in every locale), text neutralised, None empty, booleans
    True/False for machines and yes/no (“ya”/“tidak”) for people."""
    if value is None:
        return ""
    if isinstance(value, bool):  # machine: Python's True/False, as before; people: yes/no
        return str(value) if dialect is MACHINE else (_("yes") if value else _("no"))
    if isinstance(value, int | float | Decimal):
        return _number_text(value, dialect.decimal)
    if isinstance(value, datetime):
        if dialect is MACHINE:
            return value.isoformat()  # as scripts read it, with its offset
        return (timezone.localtime(value) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(
    out: Any,
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    dialect: Dialect = MACHINE,
    title: str | None = None,
) -> None:
    """Write header and rows to the text stream `out` (no byte order mark: see `csv_bytes`)."""
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\n")
    if title and dialect.title:
        writer.writerow([neutralise(title)])
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(v, dialect) for v in row])


def csv_text(
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    dialect: Dialect = MACHINE,
    title: str | None = None,
) -> str:
    buffer = io.StringIO()
    write_csv(buffer, columns, rows, dialect=dialect, title=title)
    return buffer.getvalue()


def csv_bytes(
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    dialect: Dialect = MACHINE,
    title: str | None = None,
) -> bytes:
    """The CSV file as bytes: UTF-8, with a byte order mark when the dialect asks for one."""
    text = csv_text(columns, rows, dialect=dialect, title=title)
    return text.encode("utf-8-sig" if dialect.bom else "utf-8")


@dataclass
class Sheet:
    """One xlsx sheet: its name (cut to Excel's 31 characters), header, rows, optional title."""

    name: str
    columns: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    title: str | None = None
    widths: dict[int, float] = field(default_factory=dict)


DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet)
    if value is None:
        return cell
    if isinstance(value, int | float):  # bool too: a spreadsheet TRUE/FALSE
        cell.value = value
    elif isinstance(value, Decimal):
        cell.value = float(value)
    elif isinstance(value, datetime):
        cell.value = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        # Set as text explicitly: openpyxl would read a leading "=" as a formula.
        cell.value = neutralise(str(value))
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An xlsx workbook with one sheet per table: title row (if any), header, typed cells."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.name[:31])
        if spec.title:
            sheet.append([_xlsx_cell(sheet, spec.title, bold=True)])
        sheet.append([_xlsx_cell(sheet, str(c), bold=True) for c in spec.columns])
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def title_row(subject: str, *, region: str, period: str, generated: datetime | None = None) -> str:
    """“SKDN — Kota Pekanbaru — periode 2026-08 — dibuat 16/09/2026 10:00 WIB” in the active
    language (the time in the server's zone, WIB by default)."""
    moment = timezone.localtime(generated or timezone.now())
    zone = moment.tzname() or ""
    stamp = f"{moment:%d/%m/%Y %H:%M} {zone}".strip()
    parts = [subject, region, _("period %(period)s") % {"period": period}]
    parts.append(_("generated %(time)s") % {"time": stamp})
    return " — ".join(p for p in parts if p)
