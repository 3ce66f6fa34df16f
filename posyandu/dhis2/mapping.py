"""The DHIS2 mapping of a deployment: versioned data, never code.

One JSON file per deployment (setting `DHIS2_MAPPING_FILE`; default the demo file
`posyandu/dhis2/rules/contoh_pekanbaru_seluma.json`), read through `core.rules.load_rule`
(common header: id, version, source, valid_from, status). Its body says:

- `data_set`: the DHIS2 dataSet code; optional `attribute_option_combo` (code) and, for ADX,
  `adx_attributes` ({category code: option code}) that stand for it;
- `org_units`: at which `level` the figures go to DHIS2 (posyandu, puskesmas, desa,
  kecamatan, kabkota) and how a unit gets its orgUnit code: `rule` "kemendagri" (the region's
  Kemendagri code, `strip_dots` for the 10-digit form, optional `prefix`), "kode" (the
  facility code of the Posyandu or Puskesmas) or "explicit" (only `overrides`); `overrides`
  {unit key: orgUnit code} win over the rule; `within` (region codes) limits the rule to the
  deployment's area. A unit the mapping gives no code is listed as unmapped, never skipped;
- `data_values`: one entry per report cell sent: `cell` ("skdn.S", "gizi.stunting",
  "cakupan.idl_n": a column of `manage.py report skdn|gizi|cakupan`), `data_element`,
  `category_option_combo`, optional `jk` ("L"/"P": the boys' or girls' part of an SKDN or
  nutrition count) and `adx` ({category code: option code} for the ADX form of the COC).

Only counts go out: percentage columns (`*_pct`) are refused (docs/dhis2.md, small numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from posyandu.core.rules import Rule, RuleFileError, load_rule
from posyandu.laporan.exports import tables

LEVELS = ("posyandu", "puskesmas", "desa", "kecamatan", "kabkota")
REGION_LEVELS = {"desa": 13, "kecamatan": 8, "kabkota": 5}
RULES = ("kemendagri", "kode", "explicit")
KINDS = ("skdn", "gizi", "cakupan")
DEFAULT_FILE = Path(__file__).resolve().parent / "rules" / "contoh_pekanbaru_seluma.json"


class MappingError(ValueError):
    """The mapping file is not usable (message in Indonesian, for the operator)."""


@dataclass(frozen=True)
class Cell:
    """One report cell sent to DHIS2."""

    kind: str  # skdn | gizi | cakupan
    column: str  # a column of `report <kind>`
    data_element: str
    category_option_combo: str
    jk: str = ""  # "" = both sexes (the report's own cell)
    adx: dict[str, str] = field(default_factory=dict)

    @property
    def cell(self) -> str:
        return f"{self.kind}.{self.column}"


@dataclass(frozen=True)
class OrgUnits:
    level: str
    rule: str
    strip_dots: bool = False
    prefix: str = ""
    within: tuple[str, ...] = ()
    overrides: dict[str, str] = field(default_factory=dict)

    def code_for(self, key: str, *, region: str = "", facility_code: str = "") -> str | None:
        """The orgUnit code of a unit (`key`: its region code, or for a facility its code or
        public id), or None when the mapping gives it none."""
        if key in self.overrides:
            return self.overrides[key] or None
        if facility_code and facility_code in self.overrides:
            return self.overrides[facility_code] or None
        if self.within and not any(region == w or region.startswith(w + ".") for w in self.within):
            return None
        if self.rule == "kemendagri" and self.level in REGION_LEVELS:
            code = key.replace(".", "") if self.strip_dots else key
            return f"{self.prefix}{code}"
        if self.rule == "kode" and facility_code:
            return f"{self.prefix}{facility_code}"
        return None


@dataclass(frozen=True)
class Mapping:
    rule: Rule
    data_set: str
    org_units: OrgUnits
    cells: tuple[Cell, ...]
    attribute_option_combo: str = ""
    adx_attributes: dict[str, str] = field(default_factory=dict)
    example: bool = False

    @property
    def stamp(self) -> str:
        return self.rule.key

    def kinds(self) -> list[str]:
        return [k for k in KINDS if any(c.kind == k for c in self.cells)]


def mapping_path() -> Path:
    configured = getattr(settings, "DHIS2_MAPPING_FILE", "") or ""
    return Path(configured) if configured else DEFAULT_FILE


def load_mapping(path: Path | None = None) -> Mapping:
    """The deployment's mapping (`DHIS2_MAPPING_FILE`), checked."""
    path = (path or mapping_path()).resolve()
    try:
        rule = load_rule(path.parent, path.stem)
    except RuleFileError as exc:
        raise MappingError(f"Berkas pemetaan DHIS2 tidak valid: {exc}") from exc
    return parse(rule)


def _text(data: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise MappingError(f"{where}: {key!r} harus berupa teks yang tidak kosong.")
    return value.strip()


def _codes(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise MappingError(f"{where}: harus berupa objek {{kode: kode}}.")
    return dict(value)


def report_columns(kind: str) -> tuple[str, ...]:
    """The count columns of `report <kind>` (no kode, nama, nor percentages)."""
    if kind == "skdn":
        columns: tuple[str, ...] = tables.SKDN_COLUMNS
    elif kind == "gizi":
        columns = tables.GIZI_COLUMNS
    else:
        columns = tables.coverage_columns()
    return tuple(c for c in columns[2:] if not _is_rate(c))


def _is_rate(column: str) -> bool:
    """A percentage column (`idl_pct`, `idl_pctp`): never sent."""
    return column.rsplit("_", 1)[-1].startswith("pct")


def parse(rule: Rule) -> Mapping:
    data = rule.data
    name = rule.path.name
    units = data.get("org_units")
    if not isinstance(units, dict):
        raise MappingError(f"{name}: 'org_units' tidak ada.")
    level = units.get("level")
    if level not in LEVELS:
        raise MappingError(f"{name}: org_units.level {level!r} harus salah satu dari {LEVELS}.")
    how = units.get("rule", "explicit")
    if how not in RULES:
        raise MappingError(f"{name}: org_units.rule {how!r} harus salah satu dari {RULES}.")
    if how == "kemendagri" and level not in REGION_LEVELS:
        raise MappingError(f"{name}: aturan 'kemendagri' hanya untuk desa/kecamatan/kabkota.")
    if how == "kode" and level in REGION_LEVELS:
        raise MappingError(f"{name}: aturan 'kode' hanya untuk posyandu/puskesmas.")
    within = units.get("within", [])
    if not isinstance(within, list) or not all(isinstance(w, str) for w in within):
        raise MappingError(f"{name}: org_units.within harus daftar kode wilayah.")
    org_units = OrgUnits(
        level=level,
        rule=how,
        strip_dots=bool(units.get("strip_dots", False)),
        prefix=str(units.get("prefix", "")),
        within=tuple(within),
        overrides=_codes(units.get("overrides", {}), f"{name}: org_units.overrides"),
    )
    entries = data.get("data_values")
    if not isinstance(entries, list) or not entries:
        raise MappingError(f"{name}: 'data_values' harus daftar yang tidak kosong.")
    cells: list[Cell] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(entries, start=1):
        where = f"{name}: data_values[{i}]"
        if not isinstance(entry, dict):
            raise MappingError(f"{where}: harus berupa objek.")
        kind, _, column = _text(entry, "cell", where).partition(".")
        if kind not in KINDS:
            raise MappingError(f"{where}: sel {entry['cell']!r}: awalan harus {KINDS}.")
        if _is_rate(column):
            raise MappingError(
                f"{where}: sel {entry['cell']!r}: persentase tidak dikirim ke DHIS2, hanya "
                "pembilang dan penyebut (kebijakan angka kecil)."
            )
        if column not in report_columns(kind):
            raise MappingError(f"{where}: sel {entry['cell']!r} bukan kolom laporan {kind}.")
        jk = entry.get("jk", "")
        if jk not in ("", "L", "P") or (jk and kind == "cakupan"):
            raise MappingError(f"{where}: jk harus L atau P, dan hanya untuk skdn/gizi.")
        cell = Cell(
            kind=kind,
            column=column,
            data_element=_text(entry, "data_element", where),
            category_option_combo=_text(entry, "category_option_combo", where),
            jk=jk,
            adx=_codes(entry.get("adx", {}), f"{where}: adx"),
        )
        pair = (cell.data_element, cell.category_option_combo)
        if pair in seen:
            raise MappingError(f"{where}: {pair} sudah dipakai sel lain.")
        seen.add(pair)
        cells.append(cell)
    return Mapping(
        rule=rule,
        data_set=_text(data, "data_set", name),
        org_units=org_units,
        cells=tuple(cells),
        attribute_option_combo=_text(data, "attribute_option_combo", name, required=False),
        adx_attributes=_codes(data.get("adx_attributes", {}), f"{name}: adx_attributes"),
        example=bool(data.get("example", False)),
    )
