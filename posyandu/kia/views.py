"""Maternal-care writes from the panel (htmx): each returns the refreshed panel."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.kia import rules_kia, services
from posyandu.kia.models import Kehamilan, Persalinan
from posyandu.kia.panels import panel_context
from posyandu.skrining.views import day_of, kunjungan_of, person_or_404


def _date(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def _bounded(value: Any, bounds: Sequence[float]) -> Any:
    """A number outside what can be real (a typo: grams for kg, a minus sign) is refused
    before it reaches the database, where it would break a column's range (a 500)."""
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise ValueError(value)
    return value


def _int(raw: str | None, bounds: Sequence[float]) -> int | None:
    return _bounded(int(raw), bounds) if raw not in (None, "") else None


def _dec(raw: str | None, bounds: Sequence[float]) -> Decimal | None:
    if raw in (None, ""):
        return None
    value = Decimal(raw.replace(",", "."))
    if not value.is_finite():
        raise InvalidOperation(raw)
    return _bounded(value, bounds)


@require_POST
@scoped("personal")
def kia_action(request: HttpRequest, sasaran_id: str, action: str) -> HttpResponse:
    sasaran = person_or_404(request, sasaran_id)
    on = day_of(request)
    p: Any = request.POST
    ranges = rules_kia.load("anc")["input_ranges"]  # [low, high] a form accepts, per field
    error = ""
    try:
        if action == "daftar":
            services.pregnancy_register(
                sasaran=sasaran,
                tanggal_daftar=on,
                by=request.user,
                hpht=_date(p.get("hpht")),
                usg_tanggal=_date(p.get("usg_tanggal")),
                usg_minggu=_int(p.get("usg_minggu"), ranges["usg_minggu"]),
                usg_hari=_int(p.get("usg_hari"), ranges["usg_hari"]) or 0,
                gravida=_int(p.get("gravida"), ranges["gravida"]) or 1,
                paritas=_int(p.get("paritas"), ranges["paritas"]) or 0,
                abortus=_int(p.get("abortus"), ranges["abortus"]) or 0,
                persalinan_terakhir=_date(p.get("persalinan_terakhir")),
                riwayat=p.getlist("riwayat"),
            )
        elif action in ("anc", "persalinan"):
            kehamilan = Kehamilan.objects.filter(
                sasaran=sasaran, status=Kehamilan.Status.HAMIL
            ).first()
            if kehamilan is None:
                raise Http404
            if action == "anc":
                services.anc_record(
                    kehamilan=kehamilan,
                    tanggal=on,
                    by=request.user,
                    oleh_dokter=p.get("oleh_dokter") == "1",
                    berat_kg=_dec(p.get("berat_kg"), ranges["berat_kg"]),
                    lila_cm=_dec(p.get("lila_cm"), ranges["lila_cm"]),
                    sistole=_int(p.get("sistole"), ranges["sistole"]),
                    diastole=_int(p.get("diastole"), ranges["diastole"]),
                    hb=_dec(p.get("hb"), ranges["hb"]),
                    ttd_tablet=_int(p.get("ttd_tablet"), ranges["ttd_tablet"]) or 0,
                    kunjungan=kunjungan_of(request, sasaran),
                )
            else:
                services.delivery_record(
                    kehamilan=kehamilan,
                    tanggal=_date(p.get("tanggal_persalinan")) or on,
                    by=request.user,
                    tempat=p.get("tempat", ""),
                    penolong=p.get("penolong", ""),
                    berat_lahir_g=_int(p.get("berat_lahir_g"), ranges["berat_lahir_g"]),
                )
        elif action in ("KF", "KN"):
            persalinan = (
                Persalinan.objects.filter(kehamilan__sasaran=sasaran).order_by("-tanggal").first()
            )
            if persalinan is None:
                raise Http404
            services.nifas_record(persalinan=persalinan, jenis=action, tanggal=on, by=request.user)
        else:
            raise Http404
    except services.KiaError as e:
        error = str(e)
    except (ValueError, InvalidOperation):
        error = _("Check the dates and numbers entered.")
    ctx = panel_context(sasaran, on, kunjungan_of(request, sasaran)) | {"error": error}
    return render(request, "kia/_panel.html", ctx)
