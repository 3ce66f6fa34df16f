"""From matched sheets to typed rows: a person's identity and a measurement, or the reason a
row is refused (in the user's language), with its sheet and row number."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from posyandu.pertukaran.layouts import Detection, MatchedSheet
from posyandu.pertukaran.values import (
    CellError,
    is_blank,
    parse_date,
    parse_nik,
    parse_number,
    parse_position,
    parse_sex,
    parse_text,
    plain,
    text_of,
)

MEASURE_FIELDS = ("berat", "tinggi", "cara_ukur", "lila", "lingkar_kepala")
# Import field -> Pengukuran field
MEASURE_MODEL = {
    "berat": "berat_kg",
    "tinggi": "tinggi_cm",
    "cara_ukur": "cara_ukur",
    "lila": "lila_cm",
    "lingkar_kepala": "lingkar_kepala_cm",
}


@dataclass
class Where:
    sheet: str
    row: int
    cells: list[str]


@dataclass
class Rejection:
    sheet: str
    row: int
    reason: str
    cells: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "reason": self.reason, "cells": self.cells}


@dataclass
class PersonRow:
    where: Where
    nik: str = ""
    nama: str = ""
    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None
    nama_ibu: str = ""
    nik_ibu: str = ""
    telepon: str = ""
    rt: str = ""
    rw: str = ""
    no_kk: str = ""
    berat_lahir_g: int | None = None
    panjang_lahir_cm: Decimal | None = None
    posyandu: str = ""

    def key(self) -> tuple[Any, ...]:
        """The same child in several rows of the file: by NIK, else name, birth and mother."""
        if self.nik:
            return ("nik", self.nik)
        return ("nama", plain(self.nama), self.tanggal_lahir, plain(self.nama_ibu))


@dataclass
class MeasureRow:
    where: Where
    tanggal: date | None
    values: dict[str, Any]  # Pengukuran field -> value
    person: PersonRow | None = None  # same row (one-sheet layout)
    nik: str = ""  # measurement sheet: how it names the child
    nama: str = ""


def _cells(row: list[Any]) -> list[str]:
    return [text_of(c) for c in row]


def _get(row: list[Any], sheet: MatchedSheet, name: str) -> Any:
    index = sheet.fields.get(name)
    return row[index] if index is not None and index < len(row) else None


def _blank(row: list[Any]) -> bool:
    return all(is_blank(c) for c in row)


def person_of(row: list[Any], sheet: MatchedSheet, where: Where) -> PersonRow:
    """Identity fields of a row (CellError for a cell that cannot be read)."""
    get = lambda name: _get(row, sheet, name)  # noqa: E731
    person = PersonRow(where=where)
    person.nik = parse_nik(get("nik"))
    person.nama = parse_text(get("nama"), 150)
    person.tanggal_lahir = parse_date(get("tanggal_lahir"))
    person.jenis_kelamin = parse_sex(get("jenis_kelamin"))
    person.nama_ibu = parse_text(get("nama_ibu"), 150)
    person.nik_ibu = parse_nik(get("nik_ibu"), _("Mother's NIK"))[:16]
    person.telepon = parse_text(get("telepon"), 20)
    person.rt = parse_text(get("rt"), 3)
    person.rw = parse_text(get("rw"), 3)
    person.no_kk = parse_text(get("no_kk"), 16)
    person.posyandu = parse_text(get("posyandu"), 150)
    weight = parse_number(get("berat_lahir"), _("Birth weight"))
    if weight is not None:
        # grams, or kilograms when written as 3,2
        person.berat_lahir_g = int(weight * 1000) if weight < 10 else int(weight)
    person.panjang_lahir_cm = parse_number(get("panjang_lahir"), _("Birth length"))
    return person


# The cells `person_of` reads: a child's rows in a register repeat them (once per month).
IDENTITY_FIELDS = (
    "nik", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "nik_ibu", "telepon", "rt",
    "rw", "no_kk", "posyandu", "berat_lahir", "panjang_lahir",
)  # fmt: skip


def person_of_cached(
    row: list[Any], sheet: MatchedSheet, where: Where, seen: dict[tuple[Any, ...], Any]
) -> PersonRow:
    """`person_of`, read once per distinct identity cells of a sheet (`seen`)."""
    key = tuple((type(v), v) for v in (_get(row, sheet, name) for name in IDENTITY_FIELDS))
    try:
        known = seen.get(key)
    except TypeError:  # an unhashable cell
        return person_of(row, sheet, where)
    if known is None:
        try:
            known = person_of(row, sheet, where)
        except CellError as error:
            known = error
        seen[key] = known
    if isinstance(known, CellError):
        raise CellError(str(known))
    return replace(known, where=where)


LABELS = {
    "berat": "BB",
    "tinggi": "TB/PB",
    "lila": "LiLA",
    "lingkar_kepala": "LK",
}


def measure_of(row: list[Any], sheet: MatchedSheet, where: Where) -> MeasureRow | None:
    """The measurement of a row; None when the row measures nothing (no date, no value)."""
    raw = {name: _get(row, sheet, name) for name in MEASURE_FIELDS}
    raw_date = _get(row, sheet, "tanggal_ukur")
    if all(is_blank(v) for v in raw.values()) and is_blank(raw_date):
        return None
    values: dict[str, Any] = {}
    for name in ("berat", "tinggi", "lila", "lingkar_kepala"):
        number = parse_number(raw[name], LABELS[name])
        if number is not None and number != 0:  # 0 is how registers write "not measured"
            values[MEASURE_MODEL[name]] = number
    position = parse_position(raw["cara_ukur"])
    if position:
        values["cara_ukur"] = position
    tanggal = parse_date(raw_date)
    if tanggal is None:
        raise CellError(_("The date measured is empty."))
    if not any(k in values for k in ("berat_kg", "tinggi_cm", "lila_cm", "lingkar_kepala_cm")):
        raise CellError(_("No weight, height, LiLA or head circumference on this row."))
    return MeasureRow(where=where, tanggal=tanggal, values=values)


@dataclass
class ParsedFile:
    people: list[PersonRow] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    rows: int = 0
    headers: dict[str, list[str]] = field(default_factory=dict)


def parse(detection: Detection) -> ParsedFile:
    """Every data row below each header row, typed; blank rows are not data."""
    out = ParsedFile()
    for sheet in detection.sheets:
        seen: dict[tuple[Any, ...], Any] = {}
        out.headers[sheet.data.name] = sheet.headers
        role = sheet.spec.role
        for index in range(sheet.header_row, len(sheet.data.rows)):
            row = sheet.data.rows[index]
            if _blank(row):
                continue
            out.rows += 1
            where = Where(sheet.data.name, index + 1, _cells(row))
            try:
                if role in ("identitas", "gabungan"):
                    person = person_of_cached(row, sheet, where, seen)
                    measure = measure_of(row, sheet, where) if role == "gabungan" else None
                    out.people.append(person)
                    if measure is not None:
                        measure.person = person
                        out.measures.append(measure)
                else:
                    measure = measure_of(row, sheet, where)
                    if measure is None:
                        raise CellError(_("No date measured and no values on this row."))
                    measure.nik = parse_nik(_get(row, sheet, "nik"))
                    measure.nama = parse_text(_get(row, sheet, "nama"), 150)
                    either = text_of(
                        _get(row, sheet, "nik_atau_nama")
                    )  # "NIK/Nama": one or the other
                    if either and not (measure.nik or measure.nama):
                        if either.lstrip("'").replace(" ", "").isdigit():
                            measure.nik = parse_nik(either)
                        else:
                            measure.nama = parse_text(either, 150)
                    if not measure.nik and not measure.nama:
                        raise CellError(_("The row names no child (NIK or name)."))
                    out.measures.append(measure)
            except CellError as error:
                out.rejected.append(Rejection(where.sheet, where.row, str(error), where.cells))
    return out
