"""Screening views: one form view for every definition (htmx), referral confirm, person page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict
from posyandu.core.i18n import loc
from posyandu.core.registry import history_panels, visit_panels
from posyandu.sasaran.life_stage import LABELS, life_stage_of
from posyandu.sasaran.selectors import person_or_404
from posyandu.sesi.lookups import day_of, kunjungan_of
from posyandu.skrining import engine
from posyandu.skrining.context import from_measurement, person_context, prefill
from posyandu.skrining.models import HasilSkrining
from posyandu.skrining.panels import form_context
from posyandu.skrining.services import ScreeningInputError, screening_record, screening_refer


@scoped("personal")
def screening_form(request: HttpRequest, sasaran_id: str, definition_id: str) -> HttpResponse:
    """GET: the form (htmx partial). POST: record the result and return it, or the form
    again with the errors (nothing is lost: entered values stay in the fields)."""
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    try:
        definition = engine.definition(definition_id)
    except KeyError:
        raise Http404 from None
    on = day_of(request)
    context = person_context(sasaran, on)
    if request.method != "POST":
        ctx = form_context(definition, sasaran, on, context=context)
        return render(request, "skrining/_form.html", ctx)
    kunjungan = kunjungan_of(request, sasaran)
    # what today's measurement answers is taken from it (shown read-only, not posted)
    raw = {**request.POST.dict(), **from_measurement(definition, prefill(sasaran, on))}
    try:
        hasil = screening_record(
            sasaran=sasaran,
            definition_id=definition_id,
            raw=raw,
            by=request.user,
            tanggal=on,
            kunjungan=kunjungan,
            context=context,
        )
    except ScreeningInputError as e:
        ctx = form_context(
            definition,
            sasaran,
            on,
            context=context,
            values=request.POST.dict(),
            errors=e.errors,
            kunjungan=kunjungan,
        )
        return render(request, "skrining/_form.html", ctx)
    return render(request, "skrining/_result.html", result_context(hasil))


def result_context(hasil: HasilSkrining) -> dict:
    definition = engine.definition(hasil.definisi, hasil.definisi_versi)
    category = next(c for c in definition["categories"] if c["code"] == hasil.kategori)
    derived = {d["key"]: d for d in definition.get("derived", [])}
    shown = [
        (loc(derived[k].get("label")) or k, v, derived[k].get("unit", ""))
        for k, v in hasil.nilai.items()
        if k in derived and derived[k].get("label")
    ]
    if "score" in definition:
        shown.append(("Skor", hasil.nilai.get("score"), ""))
    return {
        "hasil": hasil,
        "definition": definition,
        "title": loc(definition["title"]),
        "label": loc(category["label"]),
        "action": loc(category.get("action")),
        "shown": shown,
    }


@require_POST
@scoped("personal")
def screening_refer_view(request: HttpRequest, hasil_id: str) -> HttpResponse:
    rows = restrict(HasilSkrining.objects.select_related("sasaran__posyandu"), request.user)
    hasil = get_object_or_404(rows, public_id=hasil_id)
    if not hasil.perlu_rujuk:
        raise Http404
    screening_refer(hasil=hasil, by=request.user, tanggal=timezone.localdate())
    return render(request, "skrining/_result.html", result_context(hasil))


@scoped("personal")
def person_services(request: HttpRequest, sasaran_id: str) -> HttpResponse:
    """Every ILP service and screening due for one person today, and their history."""
    sasaran = person_or_404(request.user, sasaran_id, include_merged=True)
    on = day_of(request)
    stage = life_stage_of(sasaran, on)
    return render(
        request,
        "skrining/person.html",
        {
            "sasaran": sasaran,
            "tanggal": on,
            "stage": LABELS[stage],
            "age": person_context(sasaran, on)["age_months"],
            "panels": visit_panels(request, sasaran, on, None),
            "history": history_panels(request, sasaran),
        },
    )
