"""Lookups of the Posyandu day from a request, for the views of the services given that day
(screenings, immunization, maternal care): the day and the check-in a form was posted for."""

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone

from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Kunjungan


def day_of(request: HttpRequest) -> date:
    """The day a panel is for (`tanggal` in the query or the form; today when absent), never
    after today; a malformed date is a 404."""
    raw = request.GET.get("tanggal") or request.POST.get("tanggal")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise Http404 from None
    return min(day, timezone.localdate())


def kunjungan_of(request: HttpRequest, sasaran: Sasaran) -> Kunjungan | None:
    """The check-in a panel form was posted from (`kunjungan`), if it is this person's."""
    public_id = request.POST.get("kunjungan")
    if not public_id:
        return None
    return Kunjungan.objects.filter(public_id=public_id, sasaran=sasaran).first()
