from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict, scope_for
from posyandu.core.http import HtmxHttpRequest
from posyandu.fasilitas import browser, selectors
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.wilayah.models import Wilayah


@scoped("aggregate")
def posyandu_list(request: HtmxHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.posyandu_list(user=request.user, search=search), 50)
    context = {"page": page.get_page(request.GET.get("page")), "search": search}
    template = "fasilitas/_posyandu_rows.html" if request.htmx else "fasilitas/posyandu_list.html"
    return render(request, template, context)


@scoped("aggregate")
def posyandu_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        posyandu = selectors.posyandu_get(user=request.user, public_id=public_id)
    except Posyandu.DoesNotExist as exc:
        raise Http404 from exc
    # Kader names are personal data: only for users with personal access to this Posyandu.
    # Through the reverse relation: kader sits above fasilitas and is not imported here.
    kader = restrict(posyandu.kader.all(), request.user, "personal")
    context = {
        "posyandu": posyandu,
        "kader": kader if scope_for(request.user).personal else None,
    }
    return render(request, "fasilitas/posyandu_detail.html", context)


@scoped("aggregate")
def puskesmas_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        puskesmas = selectors.puskesmas_get(user=request.user, public_id=public_id)
    except Puskesmas.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "puskesmas": puskesmas,
        # A kader or bidan sees the Puskesmas but not its whole kecamatan: no dead link.
        "kecamatan_browsable": browser.may_browse(request.user, puskesmas.kecamatan_id),
        "posyandu": selectors.posyandu_list(user=request.user).filter(puskesmas=puskesmas),
        "wilayah_kerja": puskesmas.wilayah_kerja.order_by("kode"),
        "pustu": puskesmas.pustu.select_related("desa"),
    }
    return render(request, "fasilitas/puskesmas_detail.html", context)


@scoped("aggregate")
def browse(request: HttpRequest, kode: str | None = None) -> HttpResponse:
    """The region browser (/wilayah/): the user's regions, their sub-regions, a village's
    Posyandu."""
    if kode is None:
        roots = browser.browsable_roots(request.user)
        if len(roots) == 1:
            return redirect("wilayah:browse", kode=roots[0].kode)
        rows = browser.region_rows(request.user, roots, None)
        return render(request, "fasilitas/browse.html", {"rows": rows, "current": None})

    current = get_object_or_404(Wilayah, kode=kode)
    if not browser.may_browse(request.user, kode):
        raise PermissionDenied
    children = browser.children_of(request.user, kode)
    context = {
        "current": current,
        "breadcrumb": browser.breadcrumb(request.user, kode),
        "rows": browser.region_rows(request.user, children, kode),
        "posyandu": browser.posyandu_in(request.user, kode)
        if current.tingkat == Wilayah.Tingkat.DESA
        else None,
    }
    return render(request, "fasilitas/browse.html", context)
