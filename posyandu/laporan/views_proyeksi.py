"""The upload page of the yearly target populations (sasaran proyeksi): Dinkes and admin."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from posyandu.accounts.decorators import scoped
from posyandu.core.periods import current_month
from posyandu.laporan import proyeksi
from posyandu.laporan.forms import ProyeksiUploadForm


@scoped("aggregate")
def proyeksi_upload(request: HttpRequest) -> HttpResponse:
    if not proyeksi.may_import(request.user):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        form = ProyeksiUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            result = proyeksi.proyeksi_import(
                content=data["berkas"].read(),
                filename=data["berkas"].name,
                tahun=data["tahun"],
                nama=data["sumber"],
                versi=data["versi"],
                by=request.user,
            )
    else:
        form = ProyeksiUploadForm(initial={"tahun": current_month() // 12})
    context = {
        "form": form,
        "result": result,
        "sources": proyeksi.sources(limit=30),
        "groups": proyeksi.GROUPS,
    }
    return render(request, "laporan/proyeksi.html", context, status=200)
