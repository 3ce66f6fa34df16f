"""Files an import gives back: the rejected rows with their reason (xlsx or CSV). Cells are
written through core.tabular, so a cell that begins with = + - @ stays text."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from posyandu.core import tabular
from posyandu.pertukaran.rows import Rejection


def _rows_by_sheet(rejected: Sequence[Rejection | dict[str, Any]]) -> dict[str, list[Rejection]]:
    found: dict[str, list[Rejection]] = {}
    for r in rejected:
        item = (
            r
            if isinstance(r, Rejection)
            else Rejection(r["sheet"], r["row"], r["reason"], r.get("cells", []))
        )
        found.setdefault(item.sheet, []).append(item)
    return found


def rejected_file(
    rejected: Sequence[Rejection | dict[str, Any]], headers: dict[str, list[str]], fmt: str = "xlsx"
) -> bytes:
    """One sheet per sheet of the file (xlsx), or one table (CSV, `;`): the sheet, the row
    number, the reason, then the row's own cells under the file's own headers."""
    by_sheet = _rows_by_sheet(rejected)
    lead = [_("Sheet"), _("Row"), _("Reason")]
    if fmt == "csv":
        width = max((len(h) for h in headers.values()), default=0)
        width = max([width, *(len(r.cells) for rs in by_sheet.values() for r in rs)])
        first = next(iter(headers.values()), [])
        columns = lead + [first[i] if i < len(first) else f"{i + 1}" for i in range(width)]
        rows = [[r.sheet, r.row, r.reason, *r.cells] for rs in by_sheet.values() for r in rs]
        return tabular.csv_bytes(columns, rows, dialect=tabular.INDONESIAN)
    sheets = []
    for name, items in by_sheet.items():
        own = headers.get(name, [])
        width = max([len(own), *(len(r.cells) for r in items)])
        columns = lead[1:] + [
            own[i] if i < len(own) and own[i] else f"{i + 1}" for i in range(width)
        ]
        sheets.append(tabular.Sheet(name, columns, [[r.row, r.reason, *r.cells] for r in items]))
    if not sheets:
        sheets.append(tabular.Sheet(_("Rejected"), lead, []))
    return tabular.xlsx_bytes(sheets)
