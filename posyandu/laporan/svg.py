"""Server-side SVG line charts (no JavaScript, no external service)."""

from collections.abc import Sequence
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
