from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict, scope_for
from posyandu.audit.recorder import log_read
from posyandu.kader.models import Kader


@scoped("aggregate")
def kader_list(request: HttpRequest) -> HttpResponse:
    """The kader of the user's area: name, Posyandu, status, level, skills and trainings.
    Who has personal access (kader, bidan, Puskesmas, Dinkes) sees the kader they saw before,
    with their phone numbers; a Pokjanal without personal access sees the kader of its region
    (SDM is its work) without any contact data. Names of people: an audited read."""
    personal = bool(scope_for(request.user).personal)
    kader = restrict(
        Kader.objects.select_related("posyandu__desa").prefetch_related("pelatihan"),
        request.user,
        "personal" if personal else "aggregate",
    )
    if not personal:
        kader = kader.defer("telepon")
    page = Paginator(kader, 50).get_page(request.GET.get("page"))
    log_read("kader.list", rows=len(page.object_list), model=Kader._meta.label,
             metadata={"page": page.number, "contact": personal})  # fmt: skip
    return render(request, "kader/list.html", {"page": page, "contact": personal})
