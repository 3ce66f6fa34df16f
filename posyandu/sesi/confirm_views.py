"""Confirm a flagged measurement ("Konfirmasi nilai", issue 11): a value with a WHO flag or a
re-measure warning stays out of the nutrition prevalence until someone who may correct it
confirms it with a reason (sesi.services.measurement_confirm)."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import may_correct, visible_or_404
from posyandu.sesi import plausibility
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import ConfirmationError, ConfirmationRefused, measurement_confirm


def _back(request: HttpRequest, pengukuran: Pengukuran) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if pengukuran.kunjungan_id is not None and pengukuran.kunjungan is not None:
        return reverse("sesi:kunjungan", args=[pengukuran.kunjungan.public_id])
    return reverse("sasaran:detail", args=[pengukuran.sasaran.public_id])


@scoped("personal")
def measurement_confirmation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET: the flagged value, its reasons and the form; POST: confirm it with a reason."""
    pengukuran = visible_or_404(
        Pengukuran.objects.select_related("sasaran", "kunjungan", "dikonfirmasi_oleh"),
        request.user,
        "personal",
        public_id=public_id,
    )
    back = _back(request, pengukuran)
    error, status = "", 200
    if request.method == "POST":
        try:
            measurement_confirm(
                pengukuran=pengukuran, by=request.user, reason=request.POST.get("alasan", "")
            )
        except ConfirmationRefused as exc:
            error, status = str(exc), 403
        except ConfirmationError as exc:
            error, status = str(exc), 400
        else:
            messages.success(
                request,
                _("The value is confirmed (%(reason)s); it now counts in the nutrition report.")
                % {"reason": pengukuran.alasan_konfirmasi},
            )
            return redirect(back)
    context = {
        "p": pengukuran,
        "person": pengukuran.sasaran,
        "reasons": [plausibility.label(c) for c in pengukuran.alasan_cek_ulang or []],
        "allowed": may_correct(request.user, pengukuran),
        "error": error,
        "back": back,
        "reason": request.POST.get("alasan", "") if request.method == "POST" else "",
    }
    return render(request, "sesi/konfirmasi.html", context, status=status)
