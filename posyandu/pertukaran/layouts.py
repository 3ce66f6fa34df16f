"""Workbook layouts as rule data (rules/layout_*.json) and how a file is matched to one.

A layout has one sheet (`gabungan`: identity and measurement on every row) or two (`identitas`
and `pengukuran`). Each column names its field, the header written on export and the header
variants accepted on import. Headers are compared loosely: case, accents, spaces and
punctuation do not matter ("Tgl. Lahir" = "tgl lahir" = "TGL_LAHIR"). The header row may sit
below a title: the first rows are searched for it."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from posyandu.core.rules import POSYANDU_DIR, Rule, load_rule
from posyandu.pertukaran.reader import SheetData
from posyandu.pertukaran.values import plain, text_of

HEADER_SEARCH_ROWS = 15
_PARENS = re.compile(r"\([^)]*\)?")
PREFIX = "layout_"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    aliases: tuple[str, ...]
    imported: bool = True
    exported: bool = True


@dataclass(frozen=True)
class SheetLayout:
    role: str  # identitas | pengukuran | gabungan
    title: str
    names: tuple[str, ...]
    required: tuple[str, ...]
    columns: tuple[Column, ...]

    def exported_columns(self) -> list[Column]:
        return [c for c in self.columns if c.exported]


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    stamp: str
    sheets: tuple[SheetLayout, ...]

    def sheet(self, role: str) -> SheetLayout | None:
        return next((s for s in self.sheets if s.role == role), None)


def _key(text: str) -> str:
    """A header or sheet name as compared: plain() without spaces."""
    return plain(text).replace(" ", "")


def _layout(rule: Rule) -> Layout:
    data = rule.data
    sheets = []
    for spec in data["sheets"]:
        columns = tuple(
            Column(
                field=c["field"],
                header=c["header"],
                aliases=tuple(dict.fromkeys(_key(a) for a in (c["header"], *c["aliases"]))),
                imported=c.get("import", True),
                exported=c.get("export", True),
            )
            for c in spec["columns"]
        )
        sheets.append(
            SheetLayout(
                role=spec["role"],
                title=spec["title"],
                names=tuple(_key(n) for n in (spec["title"], *spec["names"])),
                required=tuple(spec["required"]),
                columns=columns,
            )
        )
    return Layout(name=data["name"], label=data["label"], stamp=rule.stamp, sheets=tuple(sheets))


@cache
def layouts() -> dict[str, Layout]:
    """Every layout by name, in file-name order."""
    found = {}
    for path in sorted((POSYANDU_DIR / "pertukaran" / "rules").glob(f"{PREFIX}*.json")):
        layout = _layout(load_rule("pertukaran", path.stem))
        found[layout.name] = layout
    return found


def layout_named(name: str) -> Layout:
    try:
        return layouts()[name]
    except KeyError:
        raise ValueError(
            _("Unknown layout %(name)s; known layouts: %(known)s.")
            % {"name": name, "known": ", ".join(layouts())}
        ) from None


@dataclass
class MatchedSheet:
    """A sheet of the file read with a sheet of the layout: which column holds which field."""

    data: SheetData
    spec: SheetLayout
    header_row: int  # 1-based row number of the header
    fields: dict[str, int]  # field -> column index
    headers: list[str] = field(default_factory=list)  # the header row as found

    @property
    def missing(self) -> list[str]:
        return [f for f in self.spec.required if f not in self.fields]


def match_header(cells: Sequence[Any], spec: SheetLayout) -> dict[str, int]:
    """{field: column index} of the header cells that name a field of `spec` (first wins)."""
    lookup = {alias: c.field for c in spec.columns if c.imported for alias in c.aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = text_of(cell)
        name = lookup.get(_key(text))
        if name is None and "(" in text:  # "JK (L/P)", "BB (kg)", "Tgl Lahir (dd-mm-yyyy)"
            name = lookup.get(_key(_PARENS.sub(" ", text)))
        if name is not None and name not in found:
            found[name] = index
    return found


def match_sheet(data: SheetData, spec: SheetLayout) -> MatchedSheet | None:
    """The header row among the first rows that names the most fields of `spec`."""
    best: MatchedSheet | None = None
    for index, row in enumerate(data.rows[:HEADER_SEARCH_ROWS]):
        fields = match_header(row, spec)
        if fields and (best is None or len(fields) > len(best.fields)):
            headers = [text_of(c) for c in row]
            best = MatchedSheet(data, spec, index + 1, fields, headers)
    return best


@dataclass
class Detection:
    layout: Layout
    sheets: list[MatchedSheet]

    @property
    def score(self) -> int:
        return sum(len(s.fields) for s in self.sheets)


def _fit(layout: Layout, book: list[SheetData]) -> Detection | None:
    """The layout's sheets found in `book` (by sheet name first, else by headers), each with
    its required columns; None when no sheet fits."""
    used: set[int] = set()
    matched = []
    for spec in layout.sheets:
        candidates = sorted(
            (i for i in range(len(book)) if i not in used),
            key=lambda i: _key(book[i].name) not in spec.names,
        )
        best: tuple[int, MatchedSheet] | None = None
        for i in candidates:
            found = match_sheet(book[i], spec)
            if found is None or found.missing:
                continue
            named = _key(book[i].name) in spec.names
            if best is None or named or len(found.fields) > len(best[1].fields):
                best = (i, found)
                if named:
                    break
        if best is not None:
            used.add(best[0])
            matched.append(best[1])
    return Detection(layout, matched) if matched else None


class LayoutError(ValueError):
    """No layout fits the file, or the chosen one does not (the message says what is missing)."""


def detect(book: list[SheetData], name: str | None = None) -> Detection:
    """The named layout read from the file, or the layout that fits best."""
    if name:
        layout = layout_named(name)
        found = _fit(layout, book)
        if found is None:
            raise LayoutError(_missing_message(layout, book))
        return found
    fits = [d for d in (_fit(layout, book) for layout in layouts().values()) if d is not None]
    if not fits:
        raise LayoutError(
            _(
                "No known layout fits this file: no sheet has the columns of one (at least "
                "%(columns)s). Known layouts: %(known)s."
            )
            % {
                "columns": _("name, date of birth and sex, or NIK and date measured"),
                "known": ", ".join(layouts()),
            }
        )
    return max(fits, key=lambda d: (len(d.sheets) == len(d.layout.sheets), d.score))


def _missing_message(layout: Layout, book: list[SheetData]) -> str:
    parts = []
    for spec in layout.sheets:
        best = max(
            (m for m in (match_sheet(s, spec) for s in book) if m is not None),
            key=lambda m: len(m.fields),
            default=None,
        )
        missing = best.missing if best is not None else list(spec.required)
        headers = {c.field: c.header for c in spec.columns}
        parts.append(
            _("sheet %(sheet)s: columns %(columns)s not found")
            % {"sheet": spec.title, "columns": ", ".join(headers[f] for f in missing)}
        )
    return _("The file does not follow the layout %(name)s (%(parts)s).") % {
        "name": layout.name,
        "parts": "; ".join(parts),
    }
