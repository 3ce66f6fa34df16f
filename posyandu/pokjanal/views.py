from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import scope_for
from posyandu.laporan.aggregates import current_month
from posyandu.laporan.periods import parse_period, period_of
from posyandu.pokjanal import selectors
from posyandu.pokjanal.permissions import can_write
from posyandu.pokjanal.strata import rules
from posyandu.wilayah.models import Wilayah


@scoped("aggregate")
def workspace(request: HttpRequest, kode: str) -> HttpResponse:
    """The Pokjanal workspace of a kecamatan or kab/kota: lembaga, SDM, program."""
    if not scope_for(request.user).aggregate.covers_region(kode):
        raise Http404
    region = Wilayah.objects.filter(kode=kode).first()
    if region is None:
        raise Http404
    try:
        month = parse_period(request.GET.get("periode") or period_of(current_month()))
    except ValueError as exc:
        raise Http404 from exc
    context = selectors.workspace(user=request.user, kode=kode, periode=period_of(month))
    context.update(
        {
            "region": region,
            "periode": period_of(month),
            "indicators": rules()["indicators"],
            "can_write": can_write(request.user, kode),
        }
    )
    return render(request, "pokjanal/workspace.html", context)
