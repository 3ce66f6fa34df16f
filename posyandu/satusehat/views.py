"""The outbox page: what waits, what failed and why, what was sent; retry after correction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import visible_or_404
from posyandu.audit.recorder import log
from posyandu.satusehat import outbox, selectors
from posyandu.satusehat.models import Kiriman

RETRYABLE = (Kiriman.Status.GAGAL, Kiriman.Status.TIDAK_DIPETAKAN)


@scoped("personal")
def kiriman_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_outbox(request.user):
        raise PermissionDenied
    status = request.GET.get("status", Kiriman.Status.GAGAL)
    if status not in Kiriman.Status.values:
        status = Kiriman.Status.GAGAL
    page = Paginator(selectors.outbox_items(request.user, status), 30).get_page(
        request.GET.get("page")
    )
    counts = selectors.outbox_counts(request.user)
    tabs = [(value, label, counts.get(value, 0)) for value, label in Kiriman.Status.choices]
    context = {"page": page, "status": status, "tabs": tabs, "retryable": RETRYABLE}
    return render(request, "satusehat/kiriman_list.html", context)


@require_POST
@scoped("personal")
def kiriman_retry(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_see_outbox(request.user):
        raise PermissionDenied
    item = visible_or_404(Kiriman.objects.all(), request.user, "personal", pk=pk)
    if item.status in RETRYABLE:
        outbox.reopen(Kiriman.objects.filter(pk=item.pk))
        log("update", model="satusehat.Kiriman", object_id=str(item.pk),
            metadata={"retry": item.kunci})  # fmt: skip
        messages.success(request, _("Queued again: it will be sent on the next run."))
    return redirect(f"{reverse('satusehat:list')}?status={item.status}")
