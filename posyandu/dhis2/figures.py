"""The figures sent to DHIS2, read from laporan's report tables (never from personal rows).

Every value is a cell of `manage.py report skdn|gizi|cakupan` for the same region and month:
the rows of `laporan.exports.tables.report_table` of the region one level above the mapping's
units (a desa for Posyandu, a kecamatan for desa, ...). The boys' or girls' part of an SKDN or
nutrition count comes from `laporan.selectors.units_below(sex=...)`, the dashboards' own read.
A Puskesmas is the sum of its Posyandu within the region (all figures are counts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from posyandu.core.periods import period_of
from posyandu.dhis2.mapping import REGION_LEVELS, Cell, Mapping, MappingError
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.laporan import selectors
from posyandu.laporan.build.rekap_bulanan import rekap_ensure
from posyandu.laporan.exports import tables
from posyandu.wilayah.codes import parent_of
from posyandu.wilayah.models import Wilayah

# The field of laporan.selectors.Figures behind each SKDN / nutrition column of the report.
FIELD_OF = {
    **dict(zip(tables.SKDN_COLUMNS[2:], ("s", "k", "d", "n", "t", "o", "b", "t2"), strict=True)),
    **{c: c for c in tables.GIZI_COLUMNS[2:]},
}
PARENT_LENGTH = {13: 8, 8: 5, 5: 2}


@dataclass
class UnitFigures:
    """One unit sent to DHIS2 (or listed as unmapped) with its report cells."""

    kode: str  # as in the report: region code or the Posyandu's report code
    nama: str
    level: str
    region: str  # its region code (a facility: its desa / kecamatan)
    key: str  # the key of mapping overrides: region code, or the facility's public id
    facility_code: str = ""
    org_unit: str | None = None
    values: dict[str, int] = field(default_factory=dict)  # cell_key(cell) -> value
    puskesmas: Puskesmas | None = None  # of a Posyandu

    def value(self, cell: Cell) -> int:
        return self.values.get(cell_key(cell), 0)


@dataclass
class ExportFigures:
    kode: str
    month: int
    mapping: Mapping
    units: list[UnitFigures]  # mapped, sent
    unmapped: list[UnitFigures]

    @property
    def period(self) -> str:
        return period_of(self.month)


def cell_key(cell: Cell) -> str:
    return f"{cell.cell}@{cell.jk}" if cell.jk else cell.cell


def _report_rows(kind: str, parent: str, month: int) -> dict[str, dict[str, Any]]:
    """{unit code: {column: value}} of `report <kind> --wilayah parent`, without the total."""
    columns, rows = tables.report_table(kind, kode=parent, month=month)
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows[:-1]}


def _sex_rows(parent: str, month: int, sex: str) -> dict[str, selectors.Figures]:
    return {u.kode: u.figures for u in selectors.units_below(kode=parent, month=month, sex=sex)}


def _parents(kode: str, unit_length: int) -> tuple[list[str], str | None]:
    """The regions whose report rows are the units (of code length `unit_length`), and the one
    unit to keep when `kode` is itself a unit."""
    if len(kode) == unit_length:
        parent = parent_of(kode)
        if parent is None:
            raise MappingError("Wilayah tingkat provinsi tidak bisa menjadi unit DHIS2.")
        return [parent], kode
    if len(kode) > unit_length:
        raise MappingError(
            f"Wilayah {kode} berada di bawah tingkat unit pemetaan DHIS2; pilih wilayah yang "
            "sama atau lebih tinggi."
        )
    parent_length = PARENT_LENGTH[unit_length]
    if len(kode) == parent_length:
        return [kode], None
    desa = _desa_with_posyandu(kode)
    return sorted({d[:parent_length] for d in desa}), None


def _desa_with_posyandu(kode: str) -> set[str]:
    found = Posyandu.objects.all()
    if len(kode) == 13:
        found = found.filter(desa_id=kode)
    elif kode:
        found = found.filter(desa__kode__startswith=kode + ".")
    return set(found.values_list("desa_id", flat=True).distinct())


def _collect(
    mapping: Mapping, parents: list[str], month: int, keep: str | None
) -> list[tuple[str, dict[str, int], str]]:
    """(unit code, {cell key: value}, unit name) for every row of the parents' reports."""
    kinds = mapping.kinds()
    sexes = sorted({c.jk for c in mapping.cells if c.jk})
    found: list[tuple[str, dict[str, int], str]] = []
    for parent in parents:
        reports = {kind: _report_rows(kind, parent, month) for kind in kinds}
        by_sex = {sex: _sex_rows(parent, month, sex) for sex in sexes}
        codes = next(iter(reports.values())).keys()
        for code in codes:
            if keep is not None and code != keep:
                continue
            values: dict[str, int] = {}
            for cell in mapping.cells:
                if cell.jk:
                    figures = by_sex[cell.jk].get(code)
                    values[cell_key(cell)] = figures[FIELD_OF[cell.column]] if figures else 0
                else:
                    values[cell_key(cell)] = int(reports[cell.kind][code][cell.column] or 0)
            name = str(next(iter(reports.values()))[code]["nama"])
            found.append((code, values, name))
    return found


def _region_units(mapping: Mapping, kode: str, month: int) -> list[UnitFigures]:
    level = mapping.org_units.level
    length = REGION_LEVELS[level]
    parents, keep = _parents(kode, length)
    with_posyandu = {d[:length] for d in _desa_with_posyandu(kode)}
    units = []
    for code, values, name in _collect(mapping, parents, month, keep):
        if code not in with_posyandu:
            continue  # no Posyandu below: every cell is zero in the report
        units.append(UnitFigures(code, name, level, code, code, values=values))
    return units


def _posyandu_units(mapping: Mapping, kode: str, month: int) -> list[UnitFigures]:
    desa = sorted(_desa_with_posyandu(kode))
    if not desa:
        return []
    posyandu = {
        selectors.posyandu_code(p): p
        for p in Posyandu.objects.filter(desa_id__in=desa).select_related("puskesmas")
    }
    units = []
    for code, values, name in _collect(mapping, desa, month, None):
        p = posyandu[code]
        units.append(
            UnitFigures(
                code,
                name,
                "posyandu",
                p.desa_id,
                str(p.public_id),
                p.kode,
                values=values,
                puskesmas=p.puskesmas,
            )  # fmt: skip
        )
    return units


def _puskesmas_units(mapping: Mapping, kode: str, month: int) -> list[UnitFigures]:
    summed: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    places: dict[int, Puskesmas] = {}
    for unit in _posyandu_units(mapping, kode, month):
        puskesmas = unit.puskesmas
        assert puskesmas is not None
        places[puskesmas.id] = puskesmas
        for key, value in unit.values.items():
            summed[puskesmas.id][key] += value
    units = []
    for pk, p in sorted(places.items(), key=lambda item: (item[1].kode, item[1].nama)):
        units.append(
            UnitFigures(
                p.kode or f"PKM{p.id}",
                p.nama,
                "puskesmas",
                p.kecamatan_id,
                str(p.public_id),
                p.kode,
                values=dict(summed[pk]),
            )  # fmt: skip
        )
    return units


def export_figures(*, mapping: Mapping, kode: str, month: int) -> ExportFigures:
    """The units of the mapping's level within region `kode` (those with a Posyandu) and
    their report cells for `month`, split into mapped and unmapped units."""
    if kode and not Wilayah.objects.filter(kode=kode).exists():
        raise MappingError(f"Wilayah {kode} tidak ada.")
    rekap_ensure(kode=kode, months=[month])  # as `report`: complete figures, always
    level = mapping.org_units.level
    if level == "posyandu":
        units = _posyandu_units(mapping, kode, month)
    elif level == "puskesmas":
        units = _puskesmas_units(mapping, kode, month)
    else:
        units = _region_units(mapping, kode, month)
    mapped: list[UnitFigures] = []
    unmapped: list[UnitFigures] = []
    for unit in units:
        unit.org_unit = mapping.org_units.code_for(
            unit.key, region=unit.region, facility_code=unit.facility_code
        )
        (mapped if unit.org_unit else unmapped).append(unit)
    return ExportFigures(kode, month, mapping, mapped, unmapped)
