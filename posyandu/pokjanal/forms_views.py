"""Create / edit forms of the Pokjanal workspace (htmx, mobile-first).

Reading needs aggregate scope over the region (else 404); writing needs a Pokjanal role of
the region or admin (else 403). Saving goes through services.workspace_save (Record audits).
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import can_write_pokjanal, restrict, scope_for
from posyandu.core.concurrency import StaleRecord, conflict_page, version_of
from posyandu.pokjanal import forms, services
from posyandu.pokjanal.models import Anggota, KunjunganPembinaan, ProgramOpd, Rapat, TindakLanjut
from posyandu.wilayah.models import Wilayah, in_region


def _objects(entity: str, kode: str) -> QuerySet[Any]:
    by_entity: dict[str, QuerySet[Any]] = {
        "anggota": Anggota.objects.filter(wilayah_id=kode),
        "rapat": Rapat.objects.filter(wilayah_id=kode),
        "tindak": TindakLanjut.objects.filter(rapat__wilayah_id=kode),
        "program": ProgramOpd.objects.filter(in_region("desa__kode", kode)),
        "pembinaan": KunjunganPembinaan.objects.filter(in_region("posyandu__desa__kode", kode)),
    }
    return by_entity[entity]


TITLES = {
    "anggota": _("Pokjanal member"),
    "rapat": _("Coordination meeting"),
    "tindak": _("Action item"),
    "program": _("OPD program"),
    "pembinaan": _("Supervision visit"),
}


@scoped("aggregate")
def entity_form(
    request: HttpRequest, kode: str, entity: str, public_id: UUID | None = None
) -> HttpResponse:
    if entity not in forms.FORMS or not scope_for(request.user).aggregate.covers_region(kode):
        raise Http404
    region = Wilayah.objects.filter(kode=kode).first()
    if region is None:
        raise Http404
    instance = None
    if public_id is not None:
        found = restrict(_objects(entity, kode), request.user, "aggregate")
        instance = found.filter(public_id=public_id).first()
        if instance is None:
            raise Http404
    if not can_write_pokjanal(request.user, kode):
        raise PermissionDenied
    rapat = None
    if entity == "tindak" and instance is None:
        rapat_id = request.GET.get("rapat")
        rapat = (
            Rapat.objects.filter(wilayah_id=kode, public_id=rapat_id).first() if rapat_id else None
        )
        if rapat is None:
            raise Http404
    kwargs: dict[str, Any] = {} if entity == "anggota" else {"kode": kode}
    form_class = forms.FORMS[entity]
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **kwargs)
        if form.is_valid():
            target = reverse("pokjanal:workspace", args=[kode])
            try:
                services.workspace_save(
                    form=form,
                    kode=kode,
                    entity=entity,
                    rapat=rapat,
                    version=version_of(request.POST.get("version")),
                )
            except StaleRecord as stale:
                return conflict_page(request, stale.current, form.cleaned_data, back=target)
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    else:
        form = form_class(instance=instance, **kwargs)
    context = {"form": form, "region": region, "entity": entity, "instance": instance,
               "title": TITLES[entity], "rapat": rapat}  # fmt: skip
    template = "pokjanal/_form.html" if request.headers.get("HX-Request") else "pokjanal/form.html"
    return render(request, template, context, status=400 if form.errors else 200)
