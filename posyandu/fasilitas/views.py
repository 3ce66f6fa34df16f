from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict, scope_for
from posyandu.fasilitas import selectors
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.kader.models import Kader
from posyandu.wilayah.selectors import may_browse


@scoped("aggregate")
def posyandu_list(request: HttpRequest) -> HttpResponse:
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
    kader = restrict(Kader.objects.filter(posyandu=posyandu), request.user, "personal")
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
        "kecamatan_browsable": may_browse(request.user, puskesmas.kecamatan_id),
        "posyandu": selectors.posyandu_list(user=request.user).filter(puskesmas=puskesmas),
        "wilayah_kerja": puskesmas.wilayah_kerja.order_by("kode"),
        "pustu": puskesmas.pustu.select_related("desa"),
    }
    return render(request, "fasilitas/puskesmas_detail.html", context)
