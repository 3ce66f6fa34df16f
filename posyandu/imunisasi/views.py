"""Immunization views: record a dose (htmx, returns the refreshed panel); due list."""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi.panels import panel_context
from posyandu.imunisasi.selectors import due_list, next_session_date
from posyandu.imunisasi.services import DoseError, DoseOutsideSchedule, dose_record
from posyandu.sasaran.selectors import person_or_404
from posyandu.sesi.lookups import day_of, kunjungan_of


@require_POST
@scoped("personal")
def dose_record_view(request: HttpRequest, sasaran_id: str) -> HttpResponse:
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    on = day_of(request)
    error = ""
    outside: dict[str, Any] | None = None
    raw_date = request.POST.get("tanggal_diberikan") or on.isoformat()
    elsewhere = request.POST.get("di_tempat_lain") == "1"
    try:
        given_on = date.fromisoformat(raw_date)
        dose_record(
            sasaran=sasaran,
            vaksin=request.POST.get("vaksin", ""),
            tanggal=given_on,
            by=request.user,
            tempat=request.POST.get("tempat") or "posyandu",
            diberikan_di_sini=not elsewhere,
            nama_tempat=request.POST.get("nama_tempat", ""),
            batch=request.POST.get("batch", ""),
            kunjungan=kunjungan_of(request, sasaran),
            today=timezone.localdate(),
            alasan_di_luar_jadwal=request.POST.get("alasan_di_luar_jadwal", ""),
        )
    except DoseOutsideSchedule as e:  # warned before saving: confirm with a reason
        outside = {"messages": e.messages, "post": request.POST}
        if request.POST.get("konfirmasi_di_luar_jadwal"):
            error = _("Write the reason for giving this dose outside the schedule.")
    except ValueError as e:  # DoseError or a bad date
        error = str(e) if isinstance(e, DoseError) else "Tanggal tidak valid."
    ctx = panel_context(sasaran, on, kunjungan_of(request, sasaran)) | {"error": error}
    ctx["outside_schedule"] = outside
    return render(request, "imunisasi/_panel.html", ctx)


@scoped("personal")
def due_list_view(request: HttpRequest, posyandu_id: str) -> HttpResponse:
    """Children due or overdue at the next session of a Posyandu (or ?tanggal=)."""
    posyandu = get_object_or_404(
        restrict(Posyandu.objects.all(), request.user, "personal"), public_id=posyandu_id
    )
    today = timezone.localdate()
    raw = request.GET.get("tanggal")
    try:
        on = date.fromisoformat(raw) if raw else (next_session_date(posyandu, today) or today)
    except ValueError:
        raise Http404 from None
    return render(
        request,
        "imunisasi/due_list.html",
        {"posyandu": posyandu, "tanggal": on, "rows": due_list(posyandu, on)},
    )
