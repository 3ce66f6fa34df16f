"""What goes to DHIS2: a dataValueSets JSON document or an ADX message (codes, idScheme=CODE).

- JSON (`POST /api/dataValueSets`): `{dataSet, period "YYYYMM", orgUnit (one unit only),
  attributeOptionCombo?, dataValues: [{dataElement, orgUnit, categoryOptionCombo, value}]}`;
  each value names its orgUnit, so one document carries every unit of the region.
- ADX (`urn:ihe:qrph:adx:2015`, `application/adx+xml`): one `<group orgUnit period dataSet>`
  per unit, period `YYYY-MM-01/P1M`, each `<dataValue dataElement value CATEGORY="OPTION"/>`
  with the categories of the mapping's `adx` field (none for the default combination).

Values are counts, sent as text as DHIS2 writes them; zeros are sent too, so a figure that
fell to zero overwrites what an earlier push stored.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from django.utils import timezone

from posyandu.core.periods import first_day
from posyandu.dhis2.figures import ExportFigures
from posyandu.dhis2.mapping import MappingError

ADX_NS = "urn:ihe:qrph:adx:2015"
ADX_CONTENT_TYPE = "application/adx+xml"
DEFAULT_COC = "default"


def dhis2_period(month: int) -> str:
    """202610 for October 2026 (DHIS2 monthly period)."""
    return first_day(month).strftime("%Y%m")


def adx_period(month: int) -> str:
    return f"{first_day(month).isoformat()}/P1M"


def data_value_set(figures: ExportFigures) -> dict[str, Any]:
    mapping = figures.mapping
    document: dict[str, Any] = {"dataSet": mapping.data_set, "period": dhis2_period(figures.month)}
    if len(figures.units) == 1:
        document["orgUnit"] = figures.units[0].org_unit
    if mapping.attribute_option_combo:
        document["attributeOptionCombo"] = mapping.attribute_option_combo
    document["dataValues"] = [
        {
            "dataElement": cell.data_element,
            "orgUnit": unit.org_unit,
            "categoryOptionCombo": cell.category_option_combo,
            "value": str(unit.value(cell)),
        }
        for unit in figures.units
        for cell in mapping.cells
    ]
    return document


def json_text(figures: ExportFigures) -> str:
    return json.dumps(data_value_set(figures), ensure_ascii=False, indent=2) + "\n"


def adx_text(figures: ExportFigures, exported: datetime | None = None) -> str:
    mapping = figures.mapping
    missing = [
        c.cell for c in mapping.cells if not c.adx and c.category_option_combo != DEFAULT_COC
    ]
    if missing:
        raise MappingError(
            "ADX perlu kategori ('adx') untuk setiap sel dengan categoryOptionCombo selain "
            f"'default': {', '.join(missing)}."
        )
    ET.register_namespace("", ADX_NS)
    when = (exported or timezone.now()).replace(microsecond=0).isoformat()
    root = ET.Element(f"{{{ADX_NS}}}adx", {"exported": when})
    for unit in figures.units:
        group = ET.SubElement(
            root,
            f"{{{ADX_NS}}}group",
            {
                "orgUnit": unit.org_unit or "",
                "period": adx_period(figures.month),
                "dataSet": mapping.data_set,
                **mapping.adx_attributes,
            },
        )
        for cell in mapping.cells:
            attributes = {"dataElement": cell.data_element, **cell.adx}
            attributes["value"] = str(unit.value(cell))
            ET.SubElement(group, f"{{{ADX_NS}}}dataValue", attributes)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
