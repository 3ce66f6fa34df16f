"""The DHIS2 page: pushes and what DHIS2 answered, for Dinkes and admin within their regions."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import exchanges_with_dhis2
from posyandu.dhis2 import selectors
from posyandu.dhis2.mapping import MappingError, load_mapping

PAGE_SIZE = 50


def _check(request: HttpRequest) -> None:
    if not exchanges_with_dhis2(request.user):
        raise PermissionDenied


@scoped("aggregate")
def index(request: HttpRequest) -> HttpResponse:
    _check(request)
    page = Paginator(selectors.pushes_for(request.user), PAGE_SIZE).get_page(request.GET.get("hal"))
    try:
        mapping, mapping_error = load_mapping(), ""
    except MappingError as exc:
        mapping, mapping_error = None, str(exc)
    return render(
        request,
        "dhis2/index.html",
        {"page": page, "mapping": mapping, "mapping_error": mapping_error},
    )


@scoped("aggregate")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request)
    push = selectors.push_get(user=request.user, pk=pk)
    return render(request, "dhis2/detail.html", {"push": push})
