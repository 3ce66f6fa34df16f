"""SIP registers (formats 1-5) of a Posyandu and month: printable page and xlsx (personal)."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict
from posyandu.audit.recorder import log, log_read
from posyandu.core import tabular
from posyandu.core.http import requested_month
from posyandu.core.periods import current_month, first_day, last_day, period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import selectors
from posyandu.laporan.exports import sip, tables
from posyandu.sesi.models import Sesi


def _posyandu(request: HttpRequest, public_id: UUID, nomor: int) -> tuple[Posyandu, int]:
    if nomor not in sip.FORMATS:
        raise Http404
    found = restrict(Posyandu.objects.select_related("desa"), request.user, "personal")
    unit = found.filter(public_id=public_id).first()
    if unit is None:
        raise Http404
    month = requested_month(request)
    return unit, month


def personal_access(user: Any, unit: Posyandu) -> bool:
    """May the user open the Posyandu's registers (names)? Pokjanal roles: no."""
    return restrict(Posyandu.objects.filter(id=unit.id), user, "personal").exists()


@scoped("personal")
def sip_page(request: HttpRequest, public_id: UUID, nomor: int) -> HttpResponse:
    unit, month = _posyandu(request, public_id, nomor)
    table = sip.table(nomor, unit, month)
    log_read(  # the printable register (names): issue 16
        f"laporan.sip{nomor}",
        rows=len(table.rows),
        model=f"laporan.sip{nomor}",
        object_id=str(unit.public_id),
        wilayah_kode=unit.desa_id,
        metadata={"period": period_of(month)},
    )
    # The sesi app's F2-like register (yearly, by session) stays reachable from format 2.
    sesi = (
        Sesi.objects.filter(posyandu=unit, tanggal__range=(first_day(month), last_day(month)))
        .order_by("-tanggal")
        .first()
        if nomor == 2
        else None
    )
    context = {
        "posyandu": unit,
        "table": table,
        "nomor": nomor,
        "formats": sip.FORMATS,
        "periode": period_of(month),
        "periods": [period_of(m) for m in range(current_month(), current_month() - 24, -1)],
        "sesi": sesi,
    }
    return render(request, "laporan/sip.html", context)


@scoped("personal")
def sip_xlsx(request: HttpRequest, public_id: UUID, nomor: int) -> HttpResponse:
    unit, month = _posyandu(request, public_id, nomor)
    table = sip.table(nomor, unit, month)
    log(
        "export",
        model=f"laporan.sip{nomor}",
        object_id=str(unit.public_id),
        wilayah_kode=unit.desa_id,
        metadata={"period": period_of(month), "rows": len(table.rows)},
    )
    name = f"sip_f{nomor}_{selectors.posyandu_code(unit)}_{period_of(month)}"
    title = tabular.title_row(
        table.title, region=f"{unit.nama}, {unit.desa.nama}", period=period_of(month)
    )
    # The register's columns are already in the active language (sip.py's gettext labels).
    return tables.download("xlsx", f"F{nomor}", table.columns, table.rows, name, title=title)
