from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict
from posyandu.kader.models import Kader


@scoped("personal")
def kader_list(request: HttpRequest) -> HttpResponse:
    kader = restrict(
        Kader.objects.select_related("posyandu__desa").prefetch_related("pelatihan"),
        request.user,
        "personal",
    )
    page = Paginator(kader, 50).get_page(request.GET.get("page"))
    return render(request, "kader/list.html", {"page": page})
