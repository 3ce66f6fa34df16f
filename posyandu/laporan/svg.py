"""Server-side SVG line charts and choropleth maps (no JavaScript, no external service)."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

COLORS = ("#0b6e4f", "#1f5fbf", "#b42318", "#b58100")
W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 250, 44, 10, 12, 50
# A phone shows the 640-unit chart about 300 px wide: at 11 units the text would be 5 px.
# Twice the size there keeps it readable (about 9 px); the layout leaves room for it.
PHONE_TEXT = "<style>@media (max-width: 600px) { svg.chart text { font-size: 20px; } }</style>"


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    y_max: float = 100.0,
) -> SafeString:
    """Lines over months (gaps where a value is None), y from 0 to y_max (percent)."""
    n = max(len(labels), 2)
    y_max = max([y_max] + [v for _, vals in series for v in vals if v is not None])

    def x(i: int) -> float:
        return LEFT + i * (W - LEFT - RIGHT) / (n - 1)

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - v / y_max)

    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        PHONE_TEXT,
    ]
    for tick in (0, y_max / 2, y_max):
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#d8dee6"/><text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end" fill="#5b6675">{tick:.0f}</text>'
        )
    for i, label in enumerate(labels):
        if i % 2 == len(labels) % 2 or len(labels) <= 6:
            parts.append(
                f'<text x="{x(i):.1f}" y="{H - BOTTOM + 20}" text-anchor="middle" '
                f'fill="#5b6675">{escape(label[2:])}</text>'
            )
    for k, (name, values) in enumerate(series):
        color = COLORS[k % len(COLORS)]
        path, pen = [], "M"
        for i, v in enumerate(values):
            if v is None:
                pen = "M"
                continue
            path.append(f"{pen}{x(i):.1f},{y(v):.1f}")
            pen = "L"
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}"/>')
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
        lx = LEFT + k * 150
        parts.append(
            f'<rect x="{lx}" y="{H - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 14}" y="{H - 5}" fill="#1d2733">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# --- Choropleth maps (issue 15) ------------------------------------------------------------

# The colours of the ranked tables' traffic lights (static/css/app.css td.lp-*), as fills
# (a PDF knows no stylesheet) and as classes (the page's CSS may restyle them).
MAP_FILLS = {"green": "#7cc4a4", "yellow": "#f2cc5b", "red": "#e2766b", "": "#e3e7ec"}
MAP_W = 600
MAP_MAX_H = 520


@dataclass(frozen=True)
class MapUnit:
    kode: str
    nama: str
    rings: Sequence[Sequence[tuple[float, float]]]  # (lng, lat)
    rating: str  # green / yellow / red / "" (no value)
    text: str  # the value as shown ("12,3%", "—")
    label: tuple[float, float] | None = None  # (lng, lat) of a point inside, for the text


def _projection(
    units: Sequence[MapUnit],
) -> tuple[float, float, float, float, float, float]:
    """(min lng, max lat, cos of the middle latitude, scale, width, height): equirectangular,
    longitudes shrunk by the cosine of the middle latitude (true shape near the equator)."""
    xs = [x for u in units for r in u.rings for x, _ in r]
    ys = [y for u in units for r in u.rings for _, y in r]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    k = math.cos(math.radians((y0 + y1) / 2))
    width, height = max((x1 - x0) * k, 1e-9), max(y1 - y0, 1e-9)
    scale = min(MAP_W / width, MAP_MAX_H / height)
    return x0, y1, k, scale, width * scale, height * scale


def choropleth(
    units: Sequence[MapUnit],
    *,
    title: str,
    legend: Sequence[tuple[str, str]],
    fills: Mapping[str, str] | None = None,
    interactive: bool = True,
) -> SafeString:
    """One `<path>` per unit (all its rings), filled by its rating, its name and value in a
    `<title>` (hover, and tap through the page's script); a legend (rating, label) below.
    Not `interactive` (a PDF): no titles, no focus; the unit names drawn on the map instead.
    `fills` (rating -> colour) adds to or replaces the indicator colours (a layer's own
    classes, e.g. strata). Empty markup when no unit has a boundary."""
    colours = {**MAP_FILLS, **(fills or {})}
    drawn = [u for u in units if u.rings]
    if not drawn:
        return mark_safe("")
    x0, y_top, k, scale, width, height = _projection(drawn)
    width = max(width, 240.0)  # room for the legend beside a tall, narrow unit
    places, lx, ly = [], 0.0, height + 8
    for rating, text in legend:
        step = 28 + 7 * len(text)
        if lx and lx + step > width:
            lx, ly = 0.0, ly + 18
        places.append((lx, ly, rating, text))
        lx += step
    total_h = ly + 20
    parts = [
        f'<svg class="chart lp-map" viewBox="0 0 {width:.0f} {total_h:.0f}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" font-size="11" '
        f'font-family="sans-serif">',
    ]
    if interactive:
        parts.append(f"<title>{escape(title)}</title>")
    for u in drawn:
        d = []
        for ring in u.rings:
            pts = [f"{(x - x0) * k * scale:.1f},{(y_top - y) * scale:.1f}" for x, y in ring]
            d.append("M" + "L".join(pts) + "Z")
        label = f"{u.nama}: {u.text}"
        fill = colours.get(u.rating, MAP_FILLS[""])
        head = (
            f'<path class="lp-area lp-{u.rating or "none"}" data-kode="{escape(u.kode)}" '
            f'd="{"".join(d)}" fill="{fill}" stroke="#ffffff" stroke-width="0.8"'
        )
        if interactive:
            parts.append(
                f'{head} tabindex="0" aria-label="{escape(label)}">'
                f"<title>{escape(label)}</title></path>"
            )
        else:
            parts.append(head + "/>")
    if not interactive:  # printed: each unit's value at its label point
        for u in drawn:
            if u.label is None:
                continue
            x, y = (u.label[0] - x0) * k * scale, (y_top - u.label[1]) * scale
            parts.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="9" '
                f'fill="#1d2733">{escape(u.text)}</text>'
            )
    for lx, y, rating, text in places:
        parts.append(
            f'<rect x="{lx:.0f}" y="{y:.0f}" width="12" height="12" '
            f'fill="{colours.get(rating, MAP_FILLS[""])}" stroke="#5b6675" stroke-width="0.5"/>'
            f'<text x="{lx + 16:.0f}" y="{y + 10:.0f}" fill="#1d2733">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
