from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import can_write_pokjanal, scope_for
from posyandu.audit.recorder import log
from posyandu.core import tabular
from posyandu.core.periods import current_month, parse_period, period_of
from posyandu.laporan.exports import tables
from posyandu.laporan.selectors import posyandu_code
from posyandu.pokjanal import selectors
from posyandu.pokjanal.strata import rules
from posyandu.wilayah.models import Wilayah


def _region_month(request: HttpRequest, kode: str) -> tuple[Wilayah, int]:
    if not scope_for(request.user).aggregate.covers_region(kode):
        raise Http404
    region = Wilayah.objects.filter(kode=kode).first()
    if region is None:
        raise Http404
    try:
        return region, parse_period(request.GET.get("periode") or period_of(current_month()))
    except ValueError as exc:
        raise Http404 from exc


@scoped("aggregate")
def workspace(request: HttpRequest, kode: str) -> HttpResponse:
    """The Pokjanal workspace of a kecamatan or kab/kota: lembaga, SDM, program."""
    region, month = _region_month(request, kode)
    context = selectors.workspace(user=request.user, kode=kode, periode=period_of(month))
    context.update(
        {
            "region": region,
            "periode": period_of(month),
            "indicators": rules()["indicators"],
            "can_write": can_write_pokjanal(request.user, kode),
        }
    )
    return render(request, "pokjanal/workspace.html", context)


STRATA_COLUMNS = (
    "kode", "posyandu", "desa_kode", "desa", "strata", "penahan", "frekuensi", "kader_bertugas",
    "ds", "kia", "imunisasi", "program_tambahan", "kader_aktif", "kader_terlatih", "purwa",
    "madya", "utama",
)  # fmt: skip


# The people's headers of the strata export (code -> label; the codes are the machine form).
STRATA_HEADERS = {
    "kode": gettext_lazy("Posyandu code"),
    "posyandu": gettext_lazy("Posyandu"),
    "desa_kode": gettext_lazy("Village code"),
    "desa": gettext_lazy("Village"),
    "strata": gettext_lazy("Stratum"),
    "penahan": gettext_lazy("Held back by"),
    "frekuensi": gettext_lazy("Weighing frequency (days a year)"),
    "kader_bertugas": gettext_lazy("Kader on duty"),
    "ds": gettext_lazy("D/S, percent"),
    "kia": gettext_lazy("MCH coverage, percent"),
    "imunisasi": gettext_lazy("Immunization coverage, percent"),
    "program_tambahan": gettext_lazy("Additional programs"),
    "kader_aktif": gettext_lazy("Active kader"),
    "kader_terlatih": gettext_lazy("Trained kader"),
    "purwa": gettext_lazy("Kader purwa"),
    "madya": gettext_lazy("Kader madya"),
    "utama": gettext_lazy("Kader utama"),
}


def _strata_row(row: dict[str, Any]) -> list[Any]:
    p, strata, kader = row["posyandu"], row["strata"], row["kader"]
    nilai = strata.nilai if strata else {}
    return [
        posyandu_code(p), p.nama, p.desa_id, p.desa.nama,
        strata.strata if strata else "", " ".join(strata.penahan) if strata else "",
        *(nilai.get(k) for k in ("frekuensi", "kader", "ds", "kia", "imunisasi")),
        nilai.get("program_tambahan"),
        *(kader.get(k, 0) for k in ("n_aktif", "terlatih", "purwa", "madya", "utama")),
    ]  # fmt: skip


@scoped("aggregate")
def strata_export(request: HttpRequest, kode: str, fmt: str) -> HttpResponse:
    """The workspace's Posyandu table (strata, what holds it back, kader) as CSV or xlsx."""
    _region, month = _region_month(request, kode)
    rows = selectors.workspace(user=request.user, kode=kode, periode=period_of(month))["rows"]
    lines = [_strata_row(r) for r in rows]
    log("export", model="pokjanal.StrataBulanan", wilayah_kode=kode,
        metadata={"period": period_of(month), "format": fmt})  # fmt: skip
    name = f"strata_kader_{kode.replace('.', '')}_{period_of(month)}"
    title = tabular.title_row(
        str(gettext_lazy("Posyandu strata and kader")),
        region=_region.nama,
        period=period_of(month),
    )
    return tables.download(
        fmt,
        "strata",
        STRATA_COLUMNS,
        lines,
        name,
        headers=STRATA_HEADERS,
        title=title,
        machine=tables.wants_machine(request),
    )
