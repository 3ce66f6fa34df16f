"""A Posyandu's six SPM fields of a year (Permendagri 13/2024), recorded by its own people
or its Pokjanal."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict
from posyandu.core.concurrency import StaleRecord, conflict_page, save_if_current, version_of
from posyandu.fasilitas.models import Posyandu
from posyandu.pokjanal.forms import SpmPosyanduForm
from posyandu.pokjanal.models import SpmPosyandu
from posyandu.pokjanal.permissions import can_record_spm

FIRST_YEAR = 2024  # Permendagri 13/2024


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    raw = request.POST.get("tahun") or request.GET.get("tahun") or str(this_year)
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= this_year:
        raise Http404
    return int(raw)


@scoped("aggregate")
def posyandu_spm(request: HttpRequest, public_id: UUID) -> HttpResponse:
    posyandu = get_object_or_404(
        restrict(Posyandu.objects.select_related("desa"), request.user, "aggregate"),
        public_id=public_id,
    )
    tahun = _year(request)
    instance = SpmPosyandu.objects.filter(posyandu=posyandu, tahun=tahun).first()
    writable = can_record_spm(request.user, posyandu)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied
        form = SpmPosyanduForm(request.POST, instance=instance)
        if form.is_valid():
            row = form.save(commit=False)
            row.posyandu, row.tahun = posyandu, tahun
            url = reverse("pokjanal:posyandu_spm", args=[posyandu.public_id])
            try:  # the Record base audits it; an edit saves only over the version it read
                version = version_of(request.POST.get("version")) if instance else None
                save_if_current(row, version)
            except StaleRecord as stale:
                back = f"{url}?tahun={tahun}"
                return conflict_page(request, stale.current, form.cleaned_data, back=back)
            messages.success(request, _("SPM fields of %(year)s saved.") % {"year": tahun})
            return redirect(f"{url}?tahun={tahun}")
    else:
        form = SpmPosyanduForm(instance=instance)
    context = {
        "posyandu": posyandu,
        "tahun": tahun,
        "form": form,
        "writable": writable,
        "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
        "recorded": SpmPosyandu.objects.filter(posyandu=posyandu).order_by("-tahun"),
    }
    return render(request, "pokjanal/spm.html", context, status=400 if form.errors else 200)
