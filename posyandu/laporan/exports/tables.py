"""Report tables (header + rows) and their CSV / xlsx files, shared by views and commands."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from posyandu.laporan import coverage_selectors as cs
from posyandu.laporan import selectors
from posyandu.laporan.selectors import Figures, Unit

SKDN_COLUMNS = ("kode", "nama", "S", "K", "D", "N", "T", "O", "B", "2T")
GIZI_COLUMNS = (
    "kode", "nama", "diukur", "stunting", "stunting_berat", "wasting", "wasting_berat",
    "underweight", "overweight", "flagged",
)  # fmt: skip
_SKDN_FIELDS = ("s", "k", "d", "n", "t", "o", "b", "t2")
_GIZI_FIELDS = GIZI_COLUMNS[2:]
TOTAL_NAME = "TOTAL"


def _row(kode: str, nama: str, figures: Figures, fields: Sequence[str]) -> list[Any]:
    return [kode, nama, *(figures[f] for f in fields)]


def coverage_codes() -> list[str]:
    return [*cs.SHOWN, *cs.antigen_codes()]


def coverage_columns() -> tuple[str, ...]:
    return ("kode", "nama", *(f"{c}_{x}" for c in coverage_codes() for x in ("n", "d", "pct")))


def coverage_row(kode: str, nama: str, cells: dict[str, Any]) -> list[Any]:
    row: list[Any] = [kode, nama]
    for c in coverage_codes():
        cell = cells.get(c)
        row += [cell.num, cell.den, cell.pct] if cell else [0, 0, None]
    return row


def coverage_table(*, kode: str, month: int) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Coverage / SPM per unit directly below `kode`, then the total (n, d, % per indicator)."""
    below = cs.units_below(kode=kode, month=month)
    rows = []
    for u in selectors.units_below(kode=kode, month=month):
        key = str(u.posyandu.id) if u.posyandu is not None else u.kode
        rows.append(coverage_row(u.kode, u.nama, below.get(key, {})))
    rows.append(coverage_row(kode, TOTAL_NAME, cs.totals(kode=kode, month=month)))
    return coverage_columns(), rows


def report_table(kind: str, *, kode: str, month: int) -> tuple[tuple[str, ...], list[list[Any]]]:
    """One row per unit directly below `kode` (Posyandu below a desa), then the total row."""
    if kind == "cakupan":
        return coverage_table(kode=kode, month=month)
    columns, fields = (
        (SKDN_COLUMNS, _SKDN_FIELDS) if kind == "skdn" else (GIZI_COLUMNS, _GIZI_FIELDS)
    )
    units: list[Unit] = selectors.units_below(kode=kode, month=month)
    rows = [_row(u.kode, u.nama, u.figures, fields) for u in units]
    rows.append(_row(kode, TOTAL_NAME, selectors.total(kode=kode, month=month), fields))
    return columns, rows


def write_csv(out: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An xlsx workbook with one sheet per table; numbers stay numbers."""
    book = Workbook(write_only=True)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.append(list(columns))
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(
    fmt: str, sheet: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse:
    """A table as a CSV or xlsx (one sheet) download; `filename` without its extension."""
    if fmt == "xlsx":
        body, ctype = xlsx_bytes({sheet: (columns, rows)}), XLSX_TYPE
    else:
        body, ctype = csv_text(columns, rows).encode("utf-8"), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
