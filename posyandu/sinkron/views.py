"""The bidan's conflict page: changes from devices that met a newer stored version. Both
versions side by side; keep the server's, take the device's, or merge field by field."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import resolves_sync_conflicts
from posyandu.sinkron.conflicts import (
    MERGEABLE,
    ResolveError,
    conflict_resolve,
    conflicts_visible,
    current_record,
    rows_of,
)
from posyandu.sinkron.models import Konflik


def may_resolve(user: object) -> bool:
    """The bidan, Puskesmas or admin of the place (those who may correct any time)."""
    return resolves_sync_conflicts(user)


@scoped("personal")
def konflik_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Konflik.Status.TERBUKA)
    if status not in Konflik.Status.values:
        status = Konflik.Status.TERBUKA
    rows = conflicts_visible(request.user).filter(status=status)[:200]
    return render(
        request,
        "sinkron/konflik_list.html",
        {"rows": rows, "status": status, "may_resolve": may_resolve(request.user)},
    )


@scoped("personal")
def konflik_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    konflik = get_object_or_404(conflicts_visible(request.user), public_id=public_id)
    current = current_record(konflik)
    if request.method == "POST":
        if not may_resolve(request.user):
            raise PermissionDenied
        try:
            conflict_resolve(
                konflik=konflik,
                by=request.user,
                choice=request.POST.get("pilihan", ""),
                fields=request.POST.getlist("kolom"),
            )
        except ResolveError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The conflict is resolved."))
            return redirect("sinkron:konflik")
    return render(
        request,
        "sinkron/konflik_detail.html",
        {
            "konflik": konflik,
            "current": current,
            "rows": rows_of(konflik, current),
            "mergeable": konflik.kind in MERGEABLE,
            "may_resolve": may_resolve(request.user),
        },
    )
