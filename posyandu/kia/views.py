"""Maternal-care writes from the panel (htmx): each action has a form and a service call, and
returns the refreshed panel."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.kia import selectors, services
from posyandu.kia.forms import AncForm, DeliveryForm, NifasForm, PregnancyForm
from posyandu.kia.panels import panel_context
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import person_or_404
from posyandu.sesi.lookups import day_of, kunjungan_of


@dataclass(frozen=True)
class Step:
    """The record `subject` the write is about (the ongoing pregnancy, the last delivery; no
    such record is a 404), the form of the action and the service call it ends in:
    run(sasaran, subject, on, by, kunjungan, cleaned_data)."""

    form: type[forms.Form]
    run: Callable[[Sasaran, Any, date, Any, Any, dict[str, Any]], Any]
    subject: Callable[[Sasaran], Any] | None = None


def _register(sasaran: Sasaran, _s: Any, on: date, by: Any, _k: Any, data: dict) -> Any:
    return services.pregnancy_register(sasaran=sasaran, tanggal_daftar=on, by=by, **data)


def _anc(_p: Sasaran, kehamilan: Any, on: date, by: Any, kunjungan: Any, data: dict) -> Any:
    return services.anc_record(kehamilan=kehamilan, tanggal=on, by=by, kunjungan=kunjungan, **data)


def _delivery(_p: Sasaran, kehamilan: Any, on: date, by: Any, _k: Any, data: dict) -> Any:
    data = dict(data)
    tanggal = data.pop("tanggal_persalinan") or on
    return services.delivery_record(kehamilan=kehamilan, tanggal=tanggal, by=by, **data)


def _nifas(jenis: str) -> Callable[..., Any]:
    def run(_p: Sasaran, persalinan: Any, on: date, by: Any, _k: Any, _data: dict) -> Any:
        return services.nifas_record(persalinan=persalinan, jenis=jenis, tanggal=on, by=by)

    return run


STEPS = {
    "daftar": Step(PregnancyForm, _register),
    "anc": Step(AncForm, _anc, selectors.ongoing_pregnancy),
    "persalinan": Step(DeliveryForm, _delivery, selectors.ongoing_pregnancy),
    "KF": Step(NifasForm, _nifas("KF"), selectors.last_delivery),
    "KN": Step(NifasForm, _nifas("KN"), selectors.last_delivery),
}


@require_POST
@scoped("personal")
def kia_action(request: HttpRequest, sasaran_id: str, action: str) -> HttpResponse:
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    on = day_of(request)
    kunjungan = kunjungan_of(request, sasaran)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    subject = step.subject(sasaran) if step.subject is not None else None
    if step.subject is not None and subject is None:
        raise Http404
    form = step.form(request.POST)
    error = ""
    if form.is_valid():
        try:
            step.run(sasaran, subject, on, request.user, kunjungan, form.cleaned_data)
        except services.KiaError as e:
            error = str(e)
        except ValueError:  # a date the pregnancy rules cannot place
            error = _("Check the dates and numbers entered.")
    else:
        error = _("Check the dates and numbers entered.")
    ctx = panel_context(sasaran, on, kunjungan) | {"error": error}
    return render(request, "kia/_panel.html", ctx)
