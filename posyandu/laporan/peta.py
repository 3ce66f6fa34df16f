"""Region boundaries for the dashboards' maps: simplified, quantised copies of the MIT
`wilayah_boundaries` dataset (Cahya DSN), written by `manage.py import_boundaries` into
`posyandu/laporan/data/batas/` (attribution and licence beside them), and read here.

Files (gzip-compressed JSON, `.json.gz`; not rule files): `prov` (provinces), `kab`
(kab/kota), `kec_PP` (kecamatan of province PP), `desa_PP.KK` (desa/kelurahan of a kab/kota,
where the source has them). Each holds
`{"units": {kode: {"nama", "label": [x, y], "rings": [[x0, y0, dx1, dy1, ...], ...]}}}` with
coordinates in integer steps of the file's `quantum` degrees (longitude x, latitude y), each ring's
points after the first as differences from the previous one.
"""

import gzip
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from posyandu.core.numbers import format_decimal
from posyandu.laporan import coverage_selectors, indicators, registry, svg

DATA = Path(__file__).resolve().parent / "data" / "batas"
# Douglas-Peucker tolerance per level, in degrees: a map 600 px wide of Indonesia (46
# degrees) shows 0.08 degree as 1 px, of a province (about 5 degrees) 0.008, of a kab/kota
# (0.5 degree) 0.001, of a kecamatan (0.1 degree) 0.0002. Each level is drawn as the units
# below the level above, so its tolerance is about one pixel of that map.
TOLERANCE = {"prov": 0.03, "kab": 0.008, "kec": 0.0012, "desa": 0.0002}
# Coordinates are stored in integer steps of a quarter of the tolerance.
QUANTUM = {level: tolerance / 4 for level, tolerance in TOLERANCE.items()}
Point = tuple[float, float]


@dataclass(frozen=True)
class Shape:
    kode: str
    nama: str
    rings: list[list[Point]]  # (lng, lat)
    label: Point


# --- Writing (import_boundaries) ----------------------------------------------------------


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker (iterative) of an open or closed line: the ends are kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        worst, index = 0.0, -1
        for i in range(start + 1, end):
            d = _perpendicular(points[i], points[start], points[end])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack += [(start, index), (index, end)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: Sequence[Point]) -> float:
    pairs = zip(ring, ring[1:], strict=False)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def encode_ring(ring: Sequence[Point], quantum: float) -> list[int]:
    out: list[int] = []
    px = py = 0
    for i, (x, y) in enumerate(ring):
        qx, qy = round(x / quantum), round(y / quantum)
        if i and (qx, qy) == (px, py):
            continue
        out += [qx, qy] if i == 0 else [qx - px, qy - py]
        px, py = qx, qy
    return out


def polygons_of(geometry: dict[str, Any]) -> list[list[list[Point]]]:
    coords = geometry["coordinates"]
    polygons = coords if geometry["type"] == "MultiPolygon" else [coords]
    return [[[(float(x), float(y)) for x, y in ring] for ring in poly] for poly in polygons]


def simplified_unit(feature: dict[str, Any], level: str) -> dict[str, Any] | None:
    """One feature, simplified: outer rings only (holes are invisible on a thematic map),
    islands smaller than a few tolerance squares dropped unless nothing else is left."""
    tolerance = TOLERANCE[level]
    polygons = polygons_of(feature["geometry"])
    rings = []
    for poly in polygons:
        outer = simplify(poly[0], tolerance)
        if len(outer) >= 4:
            rings.append(outer)
    if not rings:  # a unit smaller than the tolerance: its largest ring, less simplified
        biggest = max((poly[0] for poly in polygons), key=_area, default=[])
        outer = simplify(biggest, tolerance / 10)
        if len(outer) < 4:
            return None
        rings = [outer]
    largest = max(_area(r) for r in rings)
    kept = [r for r in rings if _area(r) >= min(largest, 4 * tolerance**2)]
    props = feature["properties"]
    label = props.get("label") or list(kept[0][0])
    quantum = QUANTUM[level]
    return {
        "nama": props["nama"],
        "label": [round(label[0] / quantum), round(label[1] / quantum)],
        "rings": [encode_ring(r, quantum) for r in kept],
    }


def file_for(kode: str) -> str | None:
    """The file holding the units directly below `kode` ("" = the provinces)."""
    if not kode:
        return "prov.json.gz"
    if len(kode) == 2:
        return "kab.json.gz"
    if len(kode) == 5:
        return f"kec_{kode[:2]}.json.gz"
    if len(kode) == 8:
        return f"desa_{kode[:5]}.json.gz"
    return None


# --- Reading ------------------------------------------------------------------------------


def _decode(ring: list[int], quantum: float) -> list[Point]:
    points: list[Point] = []
    x = y = 0
    for i in range(0, len(ring), 2):
        x, y = (ring[i], ring[i + 1]) if i == 0 else (x + ring[i], y + ring[i + 1])
        points.append((x * quantum, y * quantum))
    return points


@cache
def _load(name: str) -> tuple[float, dict[str, Any]]:
    path = DATA / name
    if not path.is_file():
        return 1.0, {}
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return float(data["quantum"]), data["units"]


def shapes_below(kode: str) -> list[Shape]:
    """The boundaries of the units directly below `kode`, by code (empty: none available)."""
    return list(_shapes_below(kode))


@lru_cache(maxsize=512)  # decoded once per process, like the files: a page asks twice
def _shapes_below(kode: str) -> tuple[Shape, ...]:
    name = file_for(kode)
    if name is None:
        return ()
    prefix = kode + "." if kode else ""
    quantum, units = _load(name)
    found = []
    for code, unit in sorted(units.items()):
        if code.startswith(prefix) and code.count(".") == (kode.count(".") + 1 if kode else 0):
            found.append(
                Shape(
                    code,
                    unit["nama"],
                    [_decode(r, quantum) for r in unit["rings"]],
                    (unit["label"][0] * quantum, unit["label"][1] * quantum),
                )
            )
    return tuple(found)


def bounds(shapes: Iterable[Shape]) -> tuple[float, float, float, float]:
    xs = [x for s in shapes for r in s.rings for x, _ in r]
    ys = [y for s in shapes for r in s.rings for _, y in r]
    return min(xs), min(ys), max(xs), max(ys)


# --- A map of the units below a region ----------------------------------------------------

# The indicators a map can show: SKDN and nutrition from the monthly rows, coverage from the
# coverage rows (same values and colours as the ranked tables).
FIGURE_CODES = ("ds", "nd", "stunting", "wasting", "underweight")
COVERAGE_CODES = ("idl", "vitamin_a", "anc_k6", "kf_lengkap", "skrining_lansia")
MAP_CODES = FIGURE_CODES + COVERAGE_CODES


@dataclass(frozen=True)
class MapRow:
    """One unit of the map and of its table fallback."""

    kode: str
    nama: str
    value: float | None
    rating: str
    drawn: bool  # has a boundary
    text: str = ""  # the value as shown, for a registered layer (e.g. a stratum)

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        return "—" if self.value is None else format_decimal(self.value, 1) + "%"


def choices() -> list[tuple[str, str]]:
    """(code, name) of what the map can show: the indicators, then the layers other apps
    register (registry.register_map_layer, e.g. Posyandu strata)."""
    layers = [(layer.code, layer.name()) for layer in registry.map_layers()]
    return [(c, indicators.name(c)) for c in MAP_CODES] + layers


def name(code: str) -> str:
    layer = registry.map_layer(code)
    return layer.name() if layer is not None else indicators.name(code)


def legend(code: str, *, percent: str = "%") -> list[tuple[str, str]]:
    """(rating, label) of the indicator's bands, as the ranked tables colour them."""
    ind = indicators.indicator(code)
    target, warn = ind.get("target"), ind.get("warn")
    none = ("", str(_("no value / too few")))
    if target is None:
        return [none]
    t, w = f"{target:g}{percent}", f"{warn:g}{percent}"
    if ind["direction"] == "higher":
        return [("green", f"≥ {t}"), ("yellow", f"{w}–{t}"), ("red", f"< {w}"), none]
    return [("green", f"< {t}"), ("yellow", f"{t}–{w}"), ("red", f"≥ {w}"), none]


def map_rows(code: str, *, kode: str, month: int, units: Sequence[Any]) -> list[MapRow]:
    """The value and colour of `code` for each unit of `units` (selectors.units_below)."""
    shapes = {s.kode for s in shapes_below(kode)}
    layer = registry.map_layer(code)
    if layer is not None:
        got = layer.values(kode, month, [u.kode for u in units])
        none = registry.MapValue("", "—")
        return [
            MapRow(u.kode, u.nama, None, v.rating, u.kode in shapes, v.text)
            for u in units
            for v in [got.get(u.kode, none)]
        ]
    values: dict[str, float | None] = {}
    if code in FIGURE_CODES:
        values = {u.kode: u.figures.ratios()[code] for u in units}
    else:
        below = coverage_selectors.units_below(kode=kode, month=month)
        for u in units:
            cell = below.get(u.kode, {}).get(code)
            values[u.kode] = None if cell is None else cell.pct
    rows = []
    for u in units:
        value = values.get(u.kode)
        rows.append(MapRow(u.kode, u.nama, value, indicators.rating(code, value), u.kode in shapes))
    return rows


def choropleth(
    code: str, *, kode: str, rows: Sequence[MapRow], title: str, interactive: bool = True
) -> SafeString:
    """The SVG map of `rows` (empty markup when there are no boundaries below `kode`);
    not `interactive` for a PDF (values printed on the units)."""
    by_code = {s.kode: s for s in shapes_below(kode)}
    units = [
        svg.MapUnit(
            r.kode,
            r.nama,
            by_code[r.kode].rings,
            r.rating,
            r.shown,
            by_code[r.kode].label,
        )
        for r in rows
        if r.kode in by_code
    ]
    layer = registry.map_layer(code)
    if layer is None:
        keys = legend(code)
        fills = None
    else:
        keys = [(rating, label) for rating, label, _fill in layer.legend()]
        fills = {rating: fill for rating, _label, fill in layer.legend()}
    return svg.choropleth(units, title=title, legend=keys, fills=fills, interactive=interactive)
