"""Growth charts (KMS) drawn on the server as SVG: WHO SD curves -3..+3 and the child's points,
pink for girls and blue for boys as in the Buku KIA. Only geometry here; the template draws."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

import growthstandards as gs

DAYS_PER_MONTH = 30.4375
W, H = 340, 260  # viewBox; the SVG scales to the screen width
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 28
CURVES = ("SD3neg", "SD2neg", "SD1neg", "SD0", "SD1", "SD2", "SD3")
# Bands filled between curves: (lower, upper, css class)
BANDS = (
    ("SD3neg", "SD2neg", "band-warn"),
    ("SD2neg", "SD1", "band-ok"),
    ("SD1", "SD2", "band-light"),
    ("SD2", "SD3", "band-warn"),
)
# title: lazy text; unit and x: plain strings
INDICATORS: dict[str, dict[str, Any]] = {
    "bbu": {"title": _("Weight-for-age (BB/U)"), "unit": "kg", "x": "age"},
    "pbu": {"title": _("Length/height-for-age (PB/U, TB/U)"), "unit": "cm", "x": "age"},
    "bbpb": {"title": _("Weight-for-length/height (BB/PB, BB/TB)"), "unit": "kg", "x": "length"},
}


@dataclass
class Chart:
    key: str
    title: str
    desc: str
    sex: str
    bands: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    xticks: list[dict] = field(default_factory=list)
    yticks: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    path: str = ""
    xlabel: str = ""
    ylabel: str = ""
    width: int = W
    height: int = H


class _Scale:
    def __init__(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1

    def x(self, v: float) -> float:
        return round(LEFT + (v - self.x0) / (self.x1 - self.x0) * (W - LEFT - RIGHT), 1)

    def y(self, v: float) -> float:
        return round(H - BOTTOM - (v - self.y0) / (self.y1 - self.y0) * (H - TOP - BOTTOM), 1)


def _nice_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20):
        if span / step <= 8:
            return step
    return 50


def build_chart(key: str, sasaran: Any, measurements: list[Any]) -> Chart:
    """One chart of a child 0-60 months. `measurements` are Pengukuran (any order)."""
    spec = INDICATORS[key]
    sex = 1 if sasaran.jenis_kelamin == "L" else 2
    points_src = sorted(measurements, key=lambda p: p.tanggal)
    if key == "bbpb":
        older = any((p.umur_hari or 0) >= 731 for p in points_src if p.tinggi_cm)
        indicator, x0, x1 = ("wfh", 65.0, 120.0) if older else ("wfl", 45.0, 110.0)
        grid = [x0 + i * 0.5 for i in range(int((x1 - x0) * 2) + 1)]
        xs = grid
        xlabel = str(_("length/height (cm)"))
    else:
        indicator = "wfa" if key == "bbu" else "lhfa"
        last_months = max([(p.umur_hari or 0) / DAYS_PER_MONTH for p in points_src] or [0])
        x1 = 24.0 if last_months < 22 else 60.0
        x0 = 0.0
        grid = list(range(0, int(x1 * DAYS_PER_MONTH) + 1, 7))
        xs = [d / DAYS_PER_MONTH for d in grid]
        xlabel = str(_("age (months)"))
    curves = gs.sd_curves(indicator, sex, grid)
    y0 = float(min(v for v in curves["SD3neg"] if v == v))
    y1 = float(max(v for v in curves["SD3"] if v == v))
    scale = _Scale(x0, x1, y0, y1)
    chart = Chart(
        key=key,
        title=f"{spec['title']} – {sasaran.nama}",
        desc="",
        sex="girl" if sex == 2 else "boy",
        xlabel=xlabel,
        ylabel=spec["unit"],
    )

    def pts(name: str) -> list[tuple[float, float]]:
        return [
            (scale.x(x), scale.y(float(v))) for x, v in zip(xs, curves[name], strict=True) if v == v
        ]

    for lower, upper, css in BANDS:
        poly = pts(lower) + list(reversed(pts(upper)))
        chart.bands.append({"points": " ".join(f"{a},{b}" for a, b in poly), "css": css})
    for name in CURVES:
        line = pts(name)
        label = name.replace("SD", "").replace("neg", "")
        label = ("-" + label) if "neg" in name else ("+" + label if label != "0" else "0")
        chart.lines.append(
            {
                "d": "M" + " L".join(f"{a},{b}" for a, b in line),
                "css": f"sd sd-{name.lower()}",
                "label": label,
                "lx": line[-1][0] - 2 if line else 0,
                "ly": line[-1][1] if line else 0,
            }
        )
    xstep = 6 if key != "bbpb" else 10
    if key != "bbpb" and x1 <= 24:
        xstep = 3
    v = x0
    while v <= x1 + 1e-9:
        chart.xticks.append({"x": scale.x(v), "label": f"{v:g}"})
        v += xstep
    ystep = _nice_step(y1 - y0)
    v = ystep * int(y0 / ystep)
    while v <= y1:
        if v >= y0:
            chart.yticks.append({"y": scale.y(v), "label": f"{v:g}"})
        v += ystep
    for p in points_src:
        months = (p.umur_hari or 0) / DAYS_PER_MONTH
        if key == "bbu" and p.berat_kg is not None and months <= x1:
            xv, yv, z = months, float(p.berat_kg), p.zwei
        elif key == "pbu" and p.tinggi_cm is not None and months <= x1:
            xv, yv, z = months, float(p.tinggi_cm), p.zlen
        elif key == "bbpb" and p.berat_kg is not None and p.tinggi_cm is not None:
            xv, yv, z = float(p.tinggi_cm), float(p.berat_kg), p.zwfl
            if not x0 <= xv <= x1:
                continue
        else:
            continue
        chart.points.append(
            {
                "x": scale.x(xv),
                "y": scale.y(min(max(yv, y0), y1)),
                "label": f"{p.tanggal:%d-%m-%Y}: {yv:g} {spec['unit']}"
                + (f", z {z:+.2f}" if z is not None else ""),
                "flag": p.perlu_cek_ulang,
            }
        )
    if chart.points:
        chart.path = "M" + " L".join(f"{q['x']},{q['y']}" for q in chart.points)
    chart.desc = str(
        _("WHO curves from -3 to +3 SD and %(n)d measurement(s) of the child.")
        % {"n": len(chart.points)}
    )
    return chart
