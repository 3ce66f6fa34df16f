"""Report tables (header + rows) and their CSV / xlsx files, shared by views and commands.

A table's `columns` are codes (the machine form the `report` command documents); each export
has one header map (code -> label) that names the columns for people, in the active language
(`headers`). Files are written by `core.tabular` (dialect, title row, typed cells, formula
neutralisation).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from posyandu.core import disclosure, tabular
from posyandu.laporan import coverage_selectors as cs
from posyandu.laporan import indicators, proyeksi, selectors
from posyandu.laporan.selectors import Figures, Unit

SKDN_COLUMNS = ("kode", "nama", "S", "K", "D", "N", "T", "O", "B", "2T")
GIZI_COLUMNS = (
    "kode", "nama", "diukur", "stunting", "stunting_berat", "wasting", "wasting_berat",
    "underweight", "overweight", "flagged",
)  # fmt: skip
_SKDN_FIELDS = ("s", "k", "d", "n", "t", "o", "b", "t2")
_GIZI_FIELDS = GIZI_COLUMNS[2:]
TOTAL_NAME = "TOTAL"
MACHINE_FORM = ("bentuk", "mesin")  # ?bentuk=mesin: the machine form of a people's download

# Header maps: one per export (code -> label, English msgid, Indonesian in django.po).
UNIT_HEADERS: dict[str, Promise] = {
    "kode": gettext_lazy("Code"),
    "nama": gettext_lazy("Name"),
    "periode": gettext_lazy("Period"),
}
SKDN_HEADERS: dict[str, Promise] = {
    **UNIT_HEADERS,
    "S": gettext_lazy("S: toddlers 0-59 months"),
    "K": gettext_lazy("K: with KMS / MCH book"),
    "D": gettext_lazy("D: weighed this month"),
    "N": gettext_lazy("N: weight gained"),
    "T": gettext_lazy("T: weight not gained"),
    "O": gettext_lazy("O: not weighed last month"),
    "B": gettext_lazy("B: weighed for the first time"),
    "2T": gettext_lazy("2T: not gained twice in a row"),
}
GIZI_HEADERS: dict[str, Promise] = {
    **UNIT_HEADERS,
    "diukur": gettext_lazy("Children measured"),
    "stunting": gettext_lazy("Stunted (length/height-for-age < -2 SD)"),
    "stunting_berat": gettext_lazy("Severely stunted (< -3 SD)"),
    "wasting": gettext_lazy("Wasted (weight-for-length/height < -2 SD)"),
    "wasting_berat": gettext_lazy("Severely wasted (< -3 SD)"),
    "underweight": gettext_lazy("Underweight (weight-for-age < -2 SD)"),
    "overweight": gettext_lazy("Overweight (weight-for-length/height > +2 SD)"),
    "flagged": gettext_lazy("Implausible values (not counted)"),
}
REKAP_HEADERS: dict[str, Promise] = {**SKDN_HEADERS, **GIZI_HEADERS}
COVERAGE_PARTS: dict[str, Promise] = {
    "n": gettext_lazy("numerator"),
    "d": gettext_lazy("denominator: registered"),
    "pct": gettext_lazy("percent of registered"),
    "dp": gettext_lazy("denominator: projected target"),
    "pctp": gettext_lazy("percent of projected target"),
}
SUBJECTS: dict[str, Promise] = {
    "skdn": gettext_lazy("SKDN"),
    "gizi": gettext_lazy("Nutritional status"),
    "cakupan": gettext_lazy("Coverage and SPM"),
    "rekap": gettext_lazy("SKDN and nutritional status, 12 months"),
}


def _row(kode: str, nama: str, figures: Figures, fields: Sequence[str]) -> list[Any]:
    return [kode, nama, *(figures[f] for f in fields)]


def coverage_codes() -> list[str]:
    return [*cs.SHOWN, *cs.antigen_codes()]


COVERAGE_FIELDS = ("n", "d", "pct", "dp", "pctp")  # dp, pctp: against the projected target


def coverage_columns() -> tuple[str, ...]:
    return ("kode", "nama", *(f"{c}_{x}" for c in coverage_codes() for x in COVERAGE_FIELDS))


def coverage_headers() -> dict[str, str]:
    """The coverage header map: “<indicator> — numerator” and so on, per indicator."""
    labels: dict[str, str] = {k: str(v) for k, v in UNIT_HEADERS.items()}
    for code in coverage_codes():
        if code in _registered():
            label = indicators.name(code)
        elif code.startswith("imun_"):  # one antigen's dose of the IDL cohort
            label = f"{_('Immunization')} {code[5:]}"
        else:
            label = code
        for part, text in COVERAGE_PARTS.items():
            labels[f"{code}_{part}"] = f"{label} — {text}"
    return labels


def _registered() -> set[str]:
    return {i["code"] for i in indicators.registry()["indicators"]}


def coverage_row(
    kode: str, nama: str, cells: dict[str, Any], targets: proyeksi.Targets = proyeksi.EMPTY
) -> list[Any]:
    """n, d, % of the registered, then the projected target and % of it, per indicator."""
    row: list[Any] = [kode, nama]
    for c in coverage_codes():
        cell = cells.get(c)
        num, den, pct = (cell.num, cell.den, cell.pct) if cell else (0, 0, None)
        target = targets.get(proyeksi.group_of(c))
        row += [num, den, pct, target, proyeksi.percent(num, target)]
    return row


def coverage_table(*, kode: str, month: int) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Coverage / SPM per unit directly below `kode`, then the total: per indicator n, d, %
    of the registered, and the projected target with % of it (empty where none)."""
    below = cs.units_below(kode=kode, month=month)
    year = month // 12
    targets = proyeksi.targets_below(kode=kode, tahun=year)
    rows = []
    for u in selectors.units_below(kode=kode, month=month):
        key = str(u.posyandu.id) if u.posyandu is not None else u.kode
        unit_targets = targets.get(u.kode, proyeksi.EMPTY) if u.posyandu is None else None
        cells = below.get(key, {})
        rows.append(coverage_row(u.kode, u.nama, cells, unit_targets or proyeksi.EMPTY))
    total = proyeksi.targets(kode=kode, tahun=year)
    rows.append(coverage_row(kode, TOTAL_NAME, cs.totals(kode=kode, month=month), total))
    return coverage_columns(), rows


def report_table(
    kind: str, *, kode: str, month: int, small_counts_hidden: bool = False
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """One row per unit directly below `kode` (Posyandu below a desa), then the total row.
    `small_counts_hidden` (for a reader without personal access to the region, e.g. Pokjanal):
    counts of 1-4 people per unit read "<5" (core.disclosure, issue 16)."""
    if kind == "cakupan":
        columns, rows = coverage_table(kode=kode, month=month)
    else:
        columns, fields = (
            (SKDN_COLUMNS, _SKDN_FIELDS) if kind == "skdn" else (GIZI_COLUMNS, _GIZI_FIELDS)
        )
        units: list[Unit] = selectors.units_below(kode=kode, month=month)
        rows = [_row(u.kode, u.nama, u.figures, fields) for u in units]
        rows.append(_row(kode, TOTAL_NAME, selectors.total(kode=kode, month=month), fields))
    if small_counts_hidden:
        rows = hide_small_counts(columns, rows)
    return columns, rows


def hide_small_counts(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """The small-number policy on the counts of a unit table (people counted, never the
    projected targets); a coverage percentage follows its numerator."""
    counts = [c for c in columns[2:] if not c.endswith(("_pct", "_dp", "_pctp"))]
    linked = {f"{c}_n": (f"{c}_pct", f"{c}_pctp") for c in coverage_codes()}
    return disclosure.suppress_small_counts(
        rows,
        columns=columns,
        count_columns=counts,
        linked=linked,
        is_total=lambda row: len(row) > 1 and row[1] == TOTAL_NAME,
    )


def headers_for(kind: str) -> Mapping[str, Any]:
    """The header map of a report table kind."""
    if kind == "cakupan":
        return coverage_headers()
    return {"skdn": SKDN_HEADERS, "gizi": GIZI_HEADERS}.get(kind, REKAP_HEADERS)


def labelled(columns: Sequence[str], headers: Mapping[str, Any]) -> list[str]:
    """The people's header row: each code's label in the active language (the code itself
    when the map has none)."""
    return [str(headers.get(c, c)) for c in columns]


def people_rows(rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    """Rows as people read them: the TOTAL row named in the active language."""
    for row in rows:
        if len(row) > 1 and row[1] == TOTAL_NAME:
            yield [row[0], _("Total"), *row[2:]]
        else:
            yield list(row)


# --- Files ---------------------------------------------------------------------------------


def write_csv(out: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The machine form (codes, `,`, dot decimals, UTF-8) for data teams' commands."""
    tabular.write_csv(out, columns, rows, dialect=tabular.MACHINE)


def wants_machine(request: HttpRequest) -> bool:
    """Did the user ask for the machine form beside the readable one (`?bentuk=mesin`)?"""
    return request.GET.get(MACHINE_FORM[0]) == MACHINE_FORM[1]


def download(
    fmt: str,
    sheet: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    headers: Mapping[str, Any] | None = None,
    title: str | None = None,
    machine: bool = False,
) -> HttpResponse:
    """A table as a CSV or xlsx (one sheet) download; `filename` without its extension.

    People's form (default): labelled headers from `headers` in the active language, the
    title row, Indonesian or English CSV dialect. Machine form: codes, `,`, dot, no title.
    """
    if machine:
        header, body_rows, dialect, title = list(columns), rows, tabular.MACHINE, None
    else:
        header = labelled(columns, headers or {})
        body_rows, dialect = people_rows(rows), tabular.dialect_for()
    if fmt == "xlsx":
        body = tabular.xlsx_bytes([tabular.Sheet(sheet, header, body_rows, title=title)])
        ctype = tabular.XLSX_TYPE
    else:
        body = tabular.csv_bytes(header, body_rows, dialect=dialect, title=title)
        ctype = tabular.CSV_TYPE
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
