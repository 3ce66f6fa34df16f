"""Upload (preview, then confirm), the import's page with its rejected rows, undo, and the
e-PPGBM export. Every view is scoped; places come through accounts.scope."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import can_import_people, can_undo_import, restrict, visible_or_404
from posyandu.audit.recorder import log
from posyandu.core import tabular
from posyandu.core.periods import parse_period
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.pertukaran import services
from posyandu.pertukaran.export import Place, export_eppgbm
from posyandu.pertukaran.files import rejected_file
from posyandu.pertukaran.forms import ExportForm, ImportForm, UndoForm
from posyandu.pertukaran.layouts import LayoutError
from posyandu.pertukaran.models import ImportBatch
from posyandu.pertukaran.reader import UnreadableFile
from posyandu.pertukaran.services import ImportRefused, Target, target_for

UPLOADS = "pertukaran"


def _upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _target_of(user: Any, value: str) -> Target:
    kind, _sep, public_id = value.partition(":")
    if kind == "posyandu":
        posyandu = visible_or_404(Posyandu.objects.all(), user, "personal", public_id=public_id)
        return target_for(user, posyandu=posyandu)
    puskesmas = visible_or_404(Puskesmas.objects.all(), user, "personal", public_id=public_id)
    return target_for(user, puskesmas=puskesmas)


def _batch_target(batch: ImportBatch, user: Any) -> Target:
    return target_for(user, posyandu=batch.posyandu, puskesmas=batch.puskesmas)


@scoped("personal")
def index(request: HttpRequest) -> HttpResponse:
    """Imports of the user's area, the upload form, the export form."""
    user = request.user
    batches = restrict(ImportBatch.objects.all(), user).select_related("oleh", "posyandu")[:30]
    return render(
        request,
        "pertukaran/index.html",
        {
            "batches": batches,
            "may_import": can_import_people(user),
            "form": ImportForm(user=user),
            "export_form": ExportForm(user=user),
        },
    )


@require_POST
@scoped("personal")
def upload(request: HttpRequest) -> HttpResponse:
    """Read the file and import it as a dry run: the preview, saved as a batch to confirm."""
    user = request.user
    if not can_import_people(user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        batches = restrict(ImportBatch.objects.all(), user)[:30]
        context = {"batches": batches, "may_import": True, "form": form}
        context["export_form"] = ExportForm(user=user)
        return render(request, "pertukaran/index.html", context, status=400)
    upload_file = form.cleaned_data["berkas"]
    content = upload_file.read()
    try:
        target = _target_of(user, form.cleaned_data["tujuan"])
        report, _none = services.import_file(
            content=content,
            filename=upload_file.name,
            target=target,
            by=user,
            layout=form.cleaned_data["layout"] or None,
            dry_run=True,
        )
    except (ImportRefused, LayoutError, UnreadableFile) as error:
        form.add_error("berkas", str(error))
        context = {"batches": [], "may_import": True, "form": form}
        context["export_form"] = ExportForm(user=user)
        return render(request, "pertukaran/index.html", context, status=400)
    batch = ImportBatch(
        nama_berkas=Path(upload_file.name).name[:200],
        posyandu=target.posyandu,
        puskesmas=target.puskesmas,
        kode_wilayah=target.kode,
        layout=report.layout,
        oleh=services.stored_user(user),
        jumlah=report.counts,
        ditolak=[r.as_json() for r in report.rejected],
        peringatan=[r.as_json() for r in report.warnings],
        kolom=report.headers,
    )
    batch.save()
    path = _upload_dir() / f"{batch.public_id}{Path(upload_file.name).suffix.lower()}"
    path.write_bytes(content)
    batch.berkas = path.name
    batch.save(update_fields=["berkas"])
    return redirect("pertukaran:detail", batch.public_id)


@scoped("personal")
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    batch = visible_or_404(ImportBatch.objects.all(), request.user, "personal", public_id=public_id)
    return render(
        request,
        "pertukaran/detail.html",
        {
            "batch": batch,
            "counts": batch.jumlah,
            "may_confirm": batch.status == ImportBatch.Status.PRATINJAU
            and can_import_people(request.user),
            "may_undo": batch.status == ImportBatch.Status.SELESAI
            and can_undo_import(request.user),
            "undo_form": UndoForm(),
        },
    )


@require_POST
@scoped("personal")
def confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    """The previewed file imported for real (into the same batch)."""
    user = request.user
    batch = visible_or_404(ImportBatch.objects.all(), user, "personal", public_id=public_id)
    if batch.status != ImportBatch.Status.PRATINJAU or not can_import_people(user):
        raise PermissionDenied
    path = _upload_dir() / batch.berkas
    if not batch.berkas or not path.is_file():
        messages.error(request, _("The uploaded file is no longer there; upload it again."))
        return redirect("pertukaran:index")
    try:
        services.import_file(
            content=path.read_bytes(),
            filename=batch.nama_berkas,
            target=_batch_target(batch, user),
            by=user,
            layout=batch.layout,
            batch=batch,
        )
    except (ImportRefused, LayoutError, UnreadableFile) as error:
        messages.error(request, str(error))
        return redirect("pertukaran:detail", batch.public_id)
    path.unlink(missing_ok=True)
    batch.berkas = ""
    batch.save(update_fields=["berkas"])
    messages.success(request, _("The file was imported."))
    return redirect("pertukaran:detail", batch.public_id)


@scoped("personal")
def rejected(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    """The rejected rows with their reason, as xlsx or CSV (personal data: audited)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    batch = visible_or_404(ImportBatch.objects.all(), request.user, "personal", public_id=public_id)
    body = rejected_file(batch.ditolak, batch.kolom, fmt)
    log(
        "export",
        model=ImportBatch._meta.label,
        object_id=str(batch.public_id),
        wilayah_kode=batch.kode_wilayah,
        metadata={"what": "rejected_rows", "rows": len(batch.ditolak), "format": fmt},
    )
    response = HttpResponse(
        body, content_type=tabular.XLSX_TYPE if fmt == "xlsx" else tabular.CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="ditolak_{batch.public_id}.{fmt}"'
    return response


@require_POST
@scoped("personal")
def undo(request: HttpRequest, public_id: str) -> HttpResponse:
    batch = visible_or_404(ImportBatch.objects.all(), request.user, "personal", public_id=public_id)
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for undoing the import."))
        return redirect("pertukaran:detail", batch.public_id)
    try:
        services.import_undo(batch=batch, by=request.user, reason=form.cleaned_data["alasan"])
    except services.UndoError as error:
        messages.error(request, str(error))
        return redirect("pertukaran:detail", batch.public_id)
    messages.success(request, _("The import was undone."))
    return redirect("pertukaran:detail", batch.public_id)


@scoped("personal")
def export(request: HttpRequest) -> HttpResponse:
    """The e-PPGBM workbook of a Posyandu or Puskesmas and month."""
    user = request.user
    form = ExportForm(request.GET, user=user)
    if not form.is_valid():
        context = {"batches": [], "may_import": can_import_people(user)}
        context |= {"form": ImportForm(user=user), "export_form": form}
        return render(request, "pertukaran/index.html", context, status=400)
    kind, _sep, public_id = form.cleaned_data["tujuan"].partition(":")
    if kind == "posyandu":
        posyandu = visible_or_404(Posyandu.objects.all(), user, "personal", public_id=public_id)
        place = Place(
            posyandu_ids=[posyandu.pk], label=posyandu.nama, wilayah_kode=posyandu.desa_id
        )
    else:
        puskesmas = visible_or_404(Puskesmas.objects.all(), user, "personal", public_id=public_id)
        ids = list(
            restrict(Posyandu.objects.filter(puskesmas=puskesmas), user).values_list(
                "pk", flat=True
            )
        )
        place = Place(posyandu_ids=ids, label=puskesmas.nama, wilayah_kode=puskesmas.kecamatan_id)
    result = export_eppgbm(
        user=user,
        place=place,
        month=parse_period(form.cleaned_data["bulan"]),
        layout=form.cleaned_data["layout"],
    )
    response = HttpResponse(result.content(), content_type=tabular.XLSX_TYPE)
    filename = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in result.filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
