"""Dashboards per level (aggregates only) and their exports."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict, scope_for
from posyandu.audit.recorder import log
from posyandu.core import tabular
from posyandu.core.http import requested_month
from posyandu.core.periods import current_month, period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import (
    coverage_selectors,
    indicators,
    peta,
    presisi,
    proyeksi,
    selectors,
    svg,
    views_prevalensi,
)
from posyandu.laporan.exports import pdf, tables
from posyandu.laporan.registry import posyandu_panels
from posyandu.laporan.selectors import Figures, OutOfScope
from posyandu.laporan.views_sip import personal_access
from posyandu.wilayah.codes import ancestors_of
from posyandu.wilayah.models import Wilayah

ALL = "semua"  # the code in URLs for "every province" (admin)
RANKED = ("ds", "nd", "ks", "stunting", "wasting", "underweight")
HEADLINE = ("ds", "nd", "stunting", "wasting", "underweight", "overweight")


@scoped("aggregate")
def home(request: HttpRequest) -> HttpResponse:
    """Start where the user's scope starts: all provinces, their region, or their Posyandu."""
    scope = scope_for(request.user)
    if scope.aggregate.everything:
        return redirect("laporan:wilayah", kode=ALL)
    tops = scope.top_regions()
    if tops:
        return redirect("laporan:wilayah", kode=tops[0])
    posyandu = restrict(Posyandu.objects.order_by("nama"), request.user, "aggregate").first()
    if posyandu is None:
        raise Http404
    return redirect("laporan:posyandu", public_id=posyandu.public_id)


def _region(request: HttpRequest, kode: str) -> tuple[str, Wilayah | None]:
    code = "" if kode == ALL else kode
    try:
        return code, selectors.region_get(user=request.user, kode=code)
    except OutOfScope as exc:
        raise Http404 from exc


def _place(region: Wilayah | None) -> str:
    """A region as people name it (“Kota Pekanbaru”, “Kecamatan Sukajadi”); all: Indonesia."""
    if region is None:
        return "Indonesia"
    if region.tingkat in (Wilayah.Tingkat.KECAMATAN, Wilayah.Tingkat.DESA):
        return f"{region.level_label} {region.nama}"
    return region.nama  # provinces by name; kab/kota names say “Kabupaten” or “Kota”


def _cells(figures: Figures, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    ratios = figures.ratios()
    intervals = presisi.of_figures(figures)  # 95% CI of each prevalence (None: not one)
    cells = []
    for i, c in enumerate(codes):
        value, ci = ratios[c], intervals.get(c)
        rating = indicators.rating(c, value)
        cells.append(
            {
                "code": c,
                "value": value,
                "rating": rating,
                "ci": ci,
                # What a cell of the ranked table shows, made here rather than by the
                # template language (slow at a hundred cells a page).
                "css": f"num lp-{rating or 'none'}" + (" hide-sm" if i >= 3 else ""),
                "text": "—" if value is None else f"{localize(value)}%",
                "title": _("95%% CI %(ci)s") % {"ci": ci.text()} if ci else "",
                "imprecise": bool(ci and not ci.rankable),
            }
        )
    return cells


def _change(now: Figures, before: Figures, code: str) -> float | None:
    a, b = now.ratios()[code], before.ratios()[code]
    return None if a is None or b is None else round(a - b, 1)


def _trend_chart(points: list[tuple[str, Figures]]) -> tuple[Any, Any]:
    labels = [p for p, _ in points]
    skdn = svg.line_chart(
        labels,
        [
            ("D/S %", [f.ratios()["ds"] for _, f in points]),
            ("N/D %", [f.ratios()["nd"] for _, f in points]),
        ],
        title=_("D/S and N/D, last 12 months"),
    )
    gizi = svg.line_chart(
        labels,
        [
            (_("Stunting %"), [f.ratios()["stunting"] for _, f in points]),
            (_("Wasting %"), [f.ratios()["wasting"] for _, f in points]),
            (_("Underweight %"), [f.ratios()["underweight"] for _, f in points]),
        ],
        title=_("Nutrition, last 12 months"),
        y_max=40,
    )
    return skdn, gizi


def _coverage(
    request: HttpRequest,
    month: int,
    *,
    code: str = "",
    unit: Posyandu | None = None,
    units: list[Any] | None = None,
) -> dict[str, Any]:
    """The coverage section: cards, antigen table and (for a region) the ranked units."""
    cs = coverage_selectors
    empty = cs.Cell("", 0, 0)
    year = month // 12
    # A region's cells are the sums of its units' cells: one read for both.
    below = cs.units_below(kode=code, month=month) if units is not None else {}
    totals = (
        cs.summed(below) if units is not None else cs.totals(kode=code, posyandu=unit, month=month)
    )
    # A Posyandu has no projected target of its own (the Dinkes sets them per desa).
    targets, below_targets = (
        proyeksi.targets_with_below(kode=code, tahun=year) if unit is None else (proyeksi.EMPTY, {})
    )

    def named(kode: str, label: str = "") -> dict[str, Any]:
        cell = totals.get(kode, cs.Cell(kode, 0, 0))
        target = targets.get(proyeksi.group_of(kode))
        return {
            "name": label or indicators.name(kode),
            "cell": cell,
            "target": target,
            "target_pct": proyeksi.percent(cell.num, target),
        }

    context: dict[str, Any] = {
        "cards": [named(k) for k in cs.SHOWN],
        "antigens": [named(k, k[5:]) for k in cs.antigen_codes() if k in totals],
        "rows": None,
        "targets": targets,
        "of_posyandu": unit is not None,
        "sources": proyeksi.sources(tahun=year, limit=3) if targets.values else [],
    }
    if units is not None:
        chosen = request.GET.get("cakupan", "")
        sort = chosen if chosen in cs.RANKED else "idl"
        rows = []
        for u in units:
            key = str(u.posyandu.id) if u.posyandu is not None else u.kode
            cells = below.get(key, {})
            link = (
                reverse("laporan:posyandu", args=[u.posyandu.public_id])
                if u.posyandu is not None
                else reverse("laporan:wilayah", args=[u.kode])
            )
            unit_targets = below_targets.get(u.kode, proyeksi.EMPTY)
            ranked_cells = [cells.get(k, cs.Cell(k, 0, 0)) for k in cs.RANKED]
            rows.append(
                {
                    "nama": u.nama,
                    "link": link,
                    "cells": [
                        _coverage_cell(
                            c, i, proyeksi.percent(c.num, unit_targets.get(proyeksi.group_of(k)))
                        )
                        for i, (c, k) in enumerate(zip(ranked_cells, cs.RANKED, strict=True))
                    ],
                    "key": cells.get(sort, empty).pct,
                }
            )
        # Worst first: the units that need the Pokjanal's attention lead the table.
        rows.sort(key=lambda r: (r["key"] is None, r["key"] or 0))
        context.update(
            rows=rows,
            sort=sort,
            ranked=[(k, indicators.name(k)) for k in cs.RANKED],
        )
    return context


def _coverage_cell(cell: Any, column: int, target_pct: float | None) -> dict[str, Any]:
    """One cell of the ranked coverage table, its class and text made here: a page has a
    hundred of them, and the template language is slow at this."""
    if cell.pct is not None:
        text = f"{localize(cell.pct)}%"
    else:
        text = f"{localize(cell.num)}/{localize(cell.den)}" if cell.den else "—"
    css = f"num lp-{cell.rating or 'none'}" + (" hide-sm" if column >= 3 else "")
    return {"cell": cell, "css": css, "text": text, "target_pct": target_pct}


def _map(request: HttpRequest, code: str, units: list[Any], month: int) -> dict[str, Any]:
    """The choropleth of the chosen indicator (`?peta=`) for the units below, with its
    table fallback; nothing below a desa (Posyandu have no boundaries)."""
    if not peta.shapes_below(code):
        return {}
    choices = peta.choices()
    chosen = request.GET.get("peta", "")
    chosen = chosen if chosen in dict(choices) else "ds"
    rows = sorted(peta.map_rows(chosen, kode=code, month=month, units=units), key=lambda r: r.kode)
    title = _("%(indicator)s by region, %(period)s") % {
        "indicator": peta.name(chosen),
        "period": period_of(month),
    }
    return {
        "svg": peta.choropleth(chosen, kode=code, rows=rows, title=title),
        "title": title,
        "rows": rows,
        "chosen": chosen,
        "choices": choices,
        "missing": sum(1 for r in rows if not r.drawn),
    }


def _pdf_map(code: str, month: int) -> str:
    """The printed map of a region report: D/S of the units below, values on the units."""
    units = selectors.units_below(kode=code, month=month)
    rows = peta.map_rows("ds", kode=code, month=month, units=units)
    title = f"{indicators.indicator('ds')['name_id']}, {period_of(month)}"
    return str(peta.choropleth("ds", kode=code, rows=rows, title=title, interactive=False))


def _breadcrumb(
    request: HttpRequest, kode: str, *, current: bool, path: list[Wilayah] | None = None
) -> list[dict[str, Any]]:
    """The regions from the province down to `kode` (`path` when already read): a link only
    where the user may open the dashboard (never one that answers 404), the others as text;
    the current page's own region (`current`) as text too."""
    if not kode:
        return []
    access = scope_for(request.user).aggregate
    crumbs = []
    if path is None:
        path = list(Wilayah.objects.filter(kode__in=ancestors_of(kode)).order_by("kode"))
    for w in path:
        here = current and w.kode == kode
        crumbs.append({"wilayah": w, "link": access.covers_region(w.kode) and not here,
                       "here": here})  # fmt: skip
    return crumbs


def _headline(figures: Figures, last_year: Figures) -> list[dict[str, Any]]:
    cells = _cells(figures, HEADLINE)
    for cell in cells:
        cell["name"] = indicators.name(cell["code"])
        cell["change"] = _change(figures, last_year, cell["code"])
    return cells


@scoped("aggregate")
def wilayah(request: HttpRequest, kode: str) -> HttpResponse:
    code = "" if kode == ALL else kode
    asked = requested_month(request) if request.GET.get("periode") else None
    try:  # the regions (breadcrumb, units), then the 13 months and the units' month: 2 reads
        page = selectors.region_page(user=request.user, kode=code, month=asked, months=13)
    except OutOfScope as exc:
        raise Http404 from exc
    path, month, units = page.path, page.month, page.units
    region = path[-1] if path else None
    # The last of the 13 months is the month's figures, the first a year before.
    figures, last_year, points = page.trend[-1][1], page.trend[0][1], page.trend[1:]
    sort = request.GET.get("urut", "ds") if request.GET.get("urut") in RANKED else "ds"
    lower_first = indicators.indicator(sort)["direction"] == "higher"
    units.sort(
        key=lambda u: (
            u.figures.ratios()[sort] is None,
            (u.figures.ratios()[sort] or 0) * (1 if lower_first else -1),
        )
    )
    rows = []
    for unit in units:
        if unit.posyandu is not None:
            link = reverse("laporan:posyandu", args=[unit.posyandu.public_id])
        else:
            link = reverse("laporan:wilayah", args=[unit.kode])
        rows.append({"unit": unit, "link": link, "cells": _cells(unit.figures, RANKED)})
    chart_skdn, chart_gizi = _trend_chart(points)
    context = {
        "kode": kode,
        "region": region,
        "breadcrumb": _breadcrumb(request, code, current=True, path=path),
        "periode": period_of(month),
        "periods": [period_of(m) for m in range(current_month(), current_month() - 24, -1)],
        "figures": figures,
        "headline": _headline(figures, last_year),
        "presisi_rule": presisi.rule(),
        "rows": rows,
        "ranked": [(c, indicators.name(c)) for c in RANKED],
        "sort": sort,
        "chart_skdn": chart_skdn,
        "chart_gizi": chart_gizi,
        "below_desa": len(code) == 13,
        "pdf": region is not None and region.tingkat in pdf.REGION_LEVELS,
        "prevalensi": views_prevalensi.may_download(request.user, code),
        "cakupan": _coverage(request, month, code=code, units=units),
        "peta": _map(request, code, units, month),
        "tahun": month // 12,
        "round": period_of(coverage_selectors.vitamin_a_round(month)),
    }
    return render(request, "laporan/wilayah.html", context)


def _posyandu(request: HttpRequest, public_id: UUID) -> Posyandu:
    try:
        return selectors.posyandu_get(user=request.user, public_id=public_id)
    except OutOfScope as exc:
        raise Http404 from exc


@scoped("aggregate")
def posyandu(request: HttpRequest, public_id: UUID) -> HttpResponse:
    unit = _posyandu(request, public_id)
    month = requested_month(request, selectors.latest_period(posyandu=unit))
    points = selectors.trend(posyandu=unit, end=month, months=13)  # as on a region's page
    figures, last_year, points = points[-1][1], points[0][1], points[1:]
    chart_skdn, chart_gizi = _trend_chart(points)
    context = {
        "posyandu": unit,
        "breadcrumb": _breadcrumb(request, unit.desa_id, current=False),
        "periode": period_of(month),
        "periods": [period_of(m) for m in range(current_month(), current_month() - 24, -1)],
        "figures": figures,
        "headline": _headline(figures, last_year),
        "presisi_rule": presisi.rule(),
        "months": [(p, f, f.ratios()) for p, f in reversed(points)],
        "chart_skdn": chart_skdn,
        "chart_gizi": chart_gizi,
        "panels": _posyandu_panels(request, unit, month),
        "sip": _sip_allowed(request, unit),
        "cakupan": _coverage(request, month, unit=unit),
        "tahun": month // 12,
        "round": period_of(coverage_selectors.vitamin_a_round(month)),
    }
    return render(request, "laporan/posyandu.html", context)


def _sip_allowed(request: HttpRequest, unit: Posyandu) -> bool:
    return personal_access(request.user, unit)


def _posyandu_panels(request: HttpRequest, unit: Posyandu, month: int) -> list[Any]:
    """Panels other apps add to the Posyandu dashboard (strata, kader), if installed."""
    return posyandu_panels(request, unit, month)


def _title(subject: Any, place: str, month: int) -> str:
    """The title row of a people's download: what, where, which period, when generated."""
    return tabular.title_row(str(subject), region=place, period=period_of(month))


def _export_response(
    request: HttpRequest, kind: str, fmt: str, code: str, month: int, place: str = ""
) -> HttpResponse:
    personal = scope_for(request.user).personal.covers_region(code)
    columns, rows = tables.report_table(
        kind, kode=code, month=month, small_counts_hidden=not personal
    )
    name = f"{kind}_{(code or 'indonesia').replace('.', '')}_{period_of(month)}"
    log(
        "export",
        model=f"laporan.{kind}",
        wilayah_kode=code,
        metadata={"period": period_of(month), "format": fmt},
    )
    return tables.download(
        fmt,
        kind,
        columns,
        rows,
        name,
        headers=tables.headers_for(kind),
        title=_title(tables.SUBJECTS[kind], place, month),
        machine=tables.wants_machine(request),
    )


@scoped("aggregate")
def wilayah_export(request: HttpRequest, kode: str, kind: str, fmt: str) -> HttpResponse:
    code, region = _region(request, kode)
    month = requested_month(request, selectors.latest_period(kode=code))
    return _export_response(request, kind, fmt, code, month, _place(region))


@scoped("aggregate")
def wilayah_pdf(request: HttpRequest, kode: str) -> HttpResponse:
    code, region = _region(request, kode)
    if region is None or region.tingkat not in pdf.REGION_LEVELS:
        raise Http404
    month = requested_month(request, selectors.latest_period(kode=code))
    body = pdf.region_report(region, month, map_markup=_pdf_map(code, month))
    log("export", model="laporan.pdf", wilayah_kode=code, metadata={"period": period_of(month)})
    return _pdf_response(body, f"laporan_{code.replace('.', '')}_{period_of(month)}.pdf")


@scoped("aggregate")
def posyandu_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    unit = _posyandu(request, public_id)
    month = requested_month(request, selectors.latest_period(posyandu=unit))
    body = pdf.posyandu_report(unit, month)
    log(
        "export",
        model="laporan.pdf",
        object_id=str(unit.public_id),
        wilayah_kode=unit.desa_id,
        metadata={"period": period_of(month)},
    )
    return _pdf_response(body, f"laporan_{selectors.posyandu_code(unit)}_{period_of(month)}.pdf")


@scoped("aggregate")
def posyandu_export(request: HttpRequest, public_id: UUID, fmt: str) -> HttpResponse:
    """The Posyandu's 12 months of SKDN and nutrition as one table."""
    unit = _posyandu(request, public_id)
    month = requested_month(request, selectors.latest_period(posyandu=unit))
    columns = ("periode", *tables.SKDN_COLUMNS[2:], *tables.GIZI_COLUMNS[2:])
    fields = ("s", "k", "d", "n", "t", "o", "b", "t2", *tables.GIZI_COLUMNS[2:])
    rows = [[p, *(f[x] for x in fields)] for p, f in selectors.trend(posyandu=unit, end=month)]
    log(
        "export", model="laporan.posyandu", object_id=str(unit.public_id), wilayah_kode=unit.desa_id
    )
    name = f"rekap_{selectors.posyandu_code(unit)}_{period_of(month)}"
    return tables.download(
        fmt,
        "rekap",
        columns,
        rows,
        name,
        headers=tables.REKAP_HEADERS,
        title=_title(tables.SUBJECTS["rekap"], f"{unit.nama}, {unit.desa.nama}", month),
        machine=tables.wants_machine(request),
    )


@scoped("aggregate")
def posyandu_cakupan_export(request: HttpRequest, public_id: UUID, fmt: str) -> HttpResponse:
    """The Posyandu's coverage and SPM figures for the chosen month (one row)."""
    unit = _posyandu(request, public_id)
    month = requested_month(request, selectors.latest_period(posyandu=unit))
    code = selectors.posyandu_code(unit)
    cells = coverage_selectors.totals(posyandu=unit, month=month)
    columns, rows = tables.coverage_columns(), [tables.coverage_row(code, unit.nama, cells)]
    log(
        "export",
        model="laporan.cakupan",
        object_id=str(unit.public_id),
        wilayah_kode=unit.desa_id,
        metadata={"period": period_of(month), "format": fmt},
    )
    return tables.download(
        fmt,
        "cakupan",
        columns,
        rows,
        f"cakupan_{code}_{period_of(month)}",
        headers=tables.coverage_headers(),
        title=_title(tables.SUBJECTS["cakupan"], f"{unit.nama}, {unit.desa.nama}", month),
        machine=tables.wants_machine(request),
    )


def _pdf_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@scoped("aggregate")
def indikator(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "laporan/indikator.html",
        {"registry": indicators.registry(), "rows": indicators.localized()},
    )
