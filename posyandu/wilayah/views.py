from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from posyandu.accounts.decorators import scoped
from posyandu.wilayah import selectors
from posyandu.wilayah.models import Wilayah


@scoped("aggregate")
def browse(request: HttpRequest, kode: str | None = None) -> HttpResponse:
    if kode is None:
        roots = selectors.browsable_roots(request.user)
        if len(roots) == 1:
            return redirect("wilayah:browse", kode=roots[0].kode)
        rows = selectors.region_rows(request.user, roots, None)
        return render(request, "wilayah/browse.html", {"rows": rows, "current": None})

    current = get_object_or_404(Wilayah, kode=kode)
    if not selectors.may_browse(request.user, kode):
        raise PermissionDenied
    children = selectors.children_of(request.user, kode)
    context = {
        "current": current,
        "breadcrumb": selectors.breadcrumb(request.user, kode),
        "rows": selectors.region_rows(request.user, children, kode),
        "posyandu": selectors.posyandu_in(request.user, kode)
        if current.tingkat == Wilayah.Tingkat.DESA
        else None,
    }
    return render(request, "wilayah/browse.html", context)
