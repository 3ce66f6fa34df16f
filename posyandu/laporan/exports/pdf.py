"""Monthly report PDFs (fpdf2, pure Python): per Posyandu, kecamatan and kab/kota, with charts
and (for regions) the map of the units below."""

import io
from collections.abc import Sequence
from typing import Any

from fpdf import FPDF

from posyandu.core.periods import period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import coverage_selectors, indicators, presisi, proyeksi, selectors, svg
from posyandu.laporan.selectors import Figures
from posyandu.wilayah.models import Wilayah

SKDN = ("S", "K", "D", "N", "T", "O", "B", "2T")
SKDN_FIELDS = ("s", "k", "d", "n", "t", "o", "b", "t2")


PDF_SIGNS = str.maketrans({"≥": ">=", "≤": "<=", "–": "-", "—": "-"})


def _latin(text: str) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


class Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.title_text = _latin(title)
        self.set_auto_page_break(True, margin=15)
        self.add_page()
        self.set_font("Helvetica", "B", 14)
        self.multi_cell(0, 8, self.title_text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    # Not FPDF.table (fpdf2's own table API, a context manager): a plain ruled grid.
    def data_table(
        self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
    ) -> None:
        self.set_font("Helvetica", "B", 8)
        for text, w in zip(header, widths, strict=True):
            self.cell(w, 6, _latin(text), border=1)
        self.ln()
        self.set_font("Helvetica", size=8)
        for row in rows:
            for value, w in zip(row, widths, strict=True):
                self.cell(w, 5, self._fit(_latin(value), w - 2), border=1)
            self.ln()
        self.ln(2)

    def _fit(self, text: str, width: float) -> str:
        """Cut a long name to the column's width instead of running into the next cell."""
        while len(text) > 1 and self.get_string_width(text) > width:
            text = text[:-2] + "."
        return text

    def chart(self, markup: str) -> None:
        # The core fonts know Latin-1 only: signs and dashes of the maps' legends spelled out.
        text = markup.translate(PDF_SIGNS)
        self.image(io.BytesIO(_latin(text).encode("utf-8")), w=180)
        self.ln(2)


def _summary(pdf: Report, figures: Figures) -> None:
    r = figures.ratios()
    pdf.data_table(
        [*SKDN, "K/S", "D/S", "N/D"],
        [[figures[f] for f in SKDN_FIELDS] + [_pct(r["ks"]), _pct(r["ds"]), _pct(r["nd"])]],
        [15] * 8 + [20] * 3,
    )
    pdf.data_table(
        ["Diukur", "Stunting", "Sgt pendek", "Wasting", "Gizi buruk", "BB kurang", "Gizi lebih",
         "Flag"],
        [[figures["diukur"], _cnt(figures, "stunting"), _cnt(figures, "stunting_berat"),
          _cnt(figures, "wasting"), _cnt(figures, "wasting_berat"),
          _cnt(figures, "underweight"), _cnt(figures, "overweight"), figures["flagged"]]],
        [22] * 8,
    )  # fmt: skip
    _intervals(pdf, figures)


# The prevalences of the nutrition table, in its column order.
INTERVAL_CODES = ("stunting", "stunting_berat", "wasting", "wasting_berat", "underweight",
                  "overweight")  # fmt: skip


def _intervals(pdf: Report, figures: Figures) -> None:
    """The 95% CI of each prevalence under the nutrition table (simple random sampling of the
    children counted; presisi.py), "+" where it is too wide to rank, and the design stated."""
    found = presisi.of_figures(figures)
    if not any(found.values()):
        return
    cells = [
        "-" if ci is None else f"{ci.lower:.1f}-{ci.upper:.1f}" + ("" if ci.rankable else " +")
        for ci in (found[c] for c in INTERVAL_CODES)
    ]
    header = ["", "Stunting", "Sgt pendek", "Wasting", "Gizi buruk", "BB kurang", "Gizi lebih", ""]
    pdf.data_table(header, [["IK 95% (%)", *cells, ""]], [22] * 8)
    pdf.set_font("Helvetica", size=7)
    pdf.multi_cell(
        0,
        4,
        _latin(
            "IK 95%: interval kepercayaan prevalensi, anak yang dihitung di wilayah dan bulan "
            "ini dianggap sampel acak sederhana (tanpa klaster, tanpa bobot), dihitung seperti "
            "WHO Anthro Survey Analyser. + interval terlalu lebar untuk diperingkat (standar "
            f"penyajian proporsi NCHS 2017; aturan {presisi.rule().key})."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=9)
    pdf.ln(1)


def _cnt(figures: Figures, code: str) -> str:
    value = figures.ratios()[code]
    return f"{figures[code]}" + ("" if value is None else f" ({value:.1f}%)")


def _coverage(
    pdf: Report,
    cells: dict[str, coverage_selectors.Cell],
    month: int,
    targets: proyeksi.Targets | None = None,
) -> None:
    """Coverage and SPM as on the dashboard: the year to date, vitamin A's latest round,
    against the people registered and against the Dinkes' projected target (sasaran
    proyeksi) of the year where one was imported. A Posyandu (`targets` None) has no
    projected target of its own."""
    year, round_ = period_of(month)[:4], period_of(coverage_selectors.vitamin_a_round(month))
    if targets is None:
        _coverage_registered(pdf, cells, month)
        return
    pdf.multi_cell(
        0, 5,
        _latin(f"Cakupan kumulatif Januari-{period_of(month)}; vitamin A putaran {round_}; "
               f"skrining dan SPM tahun {year}."),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.multi_cell(
        0, 5,
        _latin("Terdaftar: penyebut = sasaran yang tercatat. Proyeksi: penyebut = sasaran "
               "proyeksi tahunan Dinkes"
               + ("" if targets.values else " (belum diimpor)")
               + ("" if targets.complete or not targets.values else
                  f", baru {targets.units_with} dari {targets.units_total} kecamatan")
               + "."),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    rows = []
    for code in coverage_selectors.SHOWN:
        cell = cells.get(code, coverage_selectors.Cell(code, 0, 0))
        indicator = indicators.indicator(code)
        target = indicator.get("target")
        projected = targets.get(proyeksi.group_of(code))
        rows.append(
            [
                indicator["name_id"],
                cell.num,
                cell.den,
                _pct(cell.pct),
                "-" if projected is None else projected,
                _pct(proyeksi.percent(cell.num, projected)),
                "" if target is None else f"{target:g}%",
            ]
        )
    pdf.data_table(
        ["Cakupan", "Pembilang", "Terdaftar", "% terdaftar", "Proyeksi", "% proyeksi", "Target"],
        rows,
        [76, 18, 18, 20, 18, 22, 18],
    )


def _coverage_registered(
    pdf: Report, cells: dict[str, coverage_selectors.Cell], month: int
) -> None:
    year, round_ = period_of(month)[:4], period_of(coverage_selectors.vitamin_a_round(month))
    pdf.multi_cell(
        0, 5,
        _latin(f"Cakupan kumulatif Januari-{period_of(month)}; vitamin A putaran {round_}; "
               f"skrining dan SPM tahun {year}."),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    rows = []
    for code in coverage_selectors.SHOWN:
        cell = cells.get(code, coverage_selectors.Cell(code, 0, 0))
        indicator = indicators.indicator(code)
        target = indicator.get("target")
        rows.append(
            [
                indicator["name_id"],
                cell.num,
                cell.den,
                _pct(cell.pct),
                "" if target is None else f"{target:g}%",
            ]
        )
    pdf.data_table(["Cakupan", "Pembilang", "Penyebut", "%", "Target"], rows, [92, 22, 22, 22, 22])


def _charts(pdf: Report, points: list[tuple[str, Figures]]) -> None:
    labels = [p for p, _ in points]
    pdf.chart(
        svg.line_chart(
            labels,
            [("D/S %", [f.ratios()["ds"] for _, f in points]),
             ("N/D %", [f.ratios()["nd"] for _, f in points])],
            title="D/S dan N/D, 12 bulan",
        )
    )  # fmt: skip
    pdf.chart(
        svg.line_chart(
            labels,
            [("Stunting %", [f.ratios()["stunting"] for _, f in points]),
             ("Wasting %", [f.ratios()["wasting"] for _, f in points])],
            title="Stunting dan wasting, 12 bulan",
            y_max=40,
        )
    )  # fmt: skip


def posyandu_report(posyandu: Posyandu, month: int) -> bytes:
    pdf = Report(f"Laporan bulanan {posyandu.nama} - {period_of(month)}")
    pdf.cell(
        0,
        6,
        _latin(f"Desa {posyandu.desa.nama} ({posyandu.desa_id})"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _summary(pdf, selectors.total(posyandu=posyandu, month=month))
    points = selectors.trend(posyandu=posyandu, end=month)
    pdf.data_table(
        ["Periode", *SKDN, "D/S", "N/D"],
        [[p, *(f[x] for x in SKDN_FIELDS), _pct(f.ratios()["ds"]), _pct(f.ratios()["nd"])]
         for p, f in points],
        [20] + [14] * 8 + [20, 20],
    )  # fmt: skip
    _coverage(pdf, coverage_selectors.totals(posyandu=posyandu, month=month), month)
    _charts(pdf, points)
    return bytes(pdf.output())


# The regions with a monthly PDF, and what their units below are called.
REGION_LEVELS = {
    Wilayah.Tingkat.KECAMATAN: ("Kecamatan ", "Desa"),
    Wilayah.Tingkat.KABKOTA: ("", "Kecamatan"),  # kab/kota names say Kabupaten / Kota
}


def region_report(region: Wilayah, month: int, *, map_markup: str | None = None) -> bytes:
    """The monthly report of a kecamatan (units: desa) or a kab/kota (units: kecamatan):
    summary, one row per unit, coverage with both denominators, the map, the trends."""
    prefix, unit_label = REGION_LEVELS[Wilayah.Tingkat(region.tingkat)]
    pdf = Report(f"Laporan bulanan {prefix}{region.nama} - {period_of(month)}")
    _summary(pdf, selectors.total(kode=region.kode, month=month))
    units = selectors.units_below(kode=region.kode, month=month)
    pdf.data_table(
        ["Kode", unit_label, *SKDN, "D/S", "Stunting"],
        [[u.kode, u.nama, *(u.figures[x] for x in SKDN_FIELDS), _pct(u.figures.ratios()["ds"]),
          _pct(u.figures.ratios()["stunting"])] for u in units],
        [24, 34] + [11] * 8 + [16, 18],
    )  # fmt: skip
    _coverage(
        pdf,
        coverage_selectors.totals(kode=region.kode, month=month),
        month,
        proyeksi.targets(kode=region.kode, tahun=month // 12),
    )
    if map_markup:
        pdf.chart(map_markup)
    _charts(pdf, selectors.trend(kode=region.kode, end=month))
    return bytes(pdf.output())


def kecamatan_report(kecamatan: Wilayah, month: int) -> bytes:
    return region_report(kecamatan, month)
