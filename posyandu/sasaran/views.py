from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import can_decide_transfers, can_merge_people, restrict
from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log, log_read
from posyandu.core.concurrency import StaleRecord, conflict_page, version_of
from posyandu.core.registry import history_panels
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.duplicates import Candidate, likely_duplicates
from posyandu.sasaran.forms import (
    KeluargaForm,
    MemberAddForm,
    MergeForm,
    PindahKeputusanForm,
    PindahMasukForm,
    SasaranEditForm,
    SasaranForm,
    StatusForm,
    kecamatan_exists,
)
from posyandu.sasaran.life_stage import LABELS, completed_months, life_stage_of
from posyandu.sasaran.models import Persetujuan, Sasaran
from posyandu.sasaran.nik import clean_nik, nik_errors, nik_warnings
from posyandu.sasaran.salinan import changes, copy_pdf
from posyandu.sasaran.selectors import (
    households_search,
    households_visible,
    nik_lookup,
    people_search,
    people_visible,
    person_or_404,
    transfer_requests_sent,
    transfer_requests_to_decide,
)
from posyandu.sasaran.services import (
    MergeError,
    StatusError,
    TransferError,
    keluarga_create,
    keluarga_member_add,
    keluarga_member_remove,
    keluarga_update,
    permintaan_pindah_create,
    permintaan_pindah_decide,
    persetujuan_withdraw,
    sasaran_merge,
    sasaran_register,
    sasaran_status_set,
    sasaran_update,
)


def safe_next(request: HttpRequest, default: str) -> str:
    """`?next=` only when it stays on this site (an absolute URL elsewhere, or a scheme-relative
    //evil.example, is an open redirect: issue 16)."""
    target = request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


def my_posyandu(user: Any) -> QuerySet[Posyandu]:
    return restrict(Posyandu.objects.select_related("desa"), user, "personal").order_by("nama")


@scoped("personal")
def sasaran_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    people = people_search(request.user, q) if q else people_visible(request.user).order_by("nama")
    page = Paginator(people, 30).get_page(request.GET.get("page"))
    log_read("sasaran.list", rows=len(page.object_list), model=Sasaran._meta.label,
             metadata={"page": page.number, "search": bool(q)})  # fmt: skip
    template = "sasaran/_results.html" if request.headers.get("HX-Request") else "sasaran/list.html"
    return render(request, template, {"page": page, "q": q})


@scoped("personal")
def sasaran_new(request: HttpRequest) -> HttpResponse:
    """Register a person (likely duplicates are shown first). Registering someone who has
    just arrived at a Posyandu day, and checking them in, is sesi's `person_new`."""
    form = SasaranForm(
        request.POST or None, user=request.user, posyandu_qs=my_posyandu(request.user)
    )
    duplicates: list[Sasaran] = []
    if request.method == "POST" and form.is_valid():
        registration = sasaran_register(
            posyandu=form.cleaned_data["posyandu"],
            among=people_visible(request.user),
            not_a_duplicate=form.cleaned_data.get("konfirmasi_bukan_duplikat", False),
            consent=form.consent(),
            by=request.user,
            **form.model_fields(),
        )
        duplicates = registration.duplicates
        person = registration.person
        if person is not None:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s is registered.") % {"name": person.nama})
            return redirect("sasaran:detail", person.public_id)
    return render(
        request,
        "sasaran/form.html",
        {"form": form, "duplicates": duplicates, "warnings": form.warnings},
    )


@scoped("personal")
def nik_check(request: HttpRequest) -> HttpResponse:
    """htmx: the NIK's structure and its agreement with the birth date and sex, as typed."""
    nik = clean_nik(request.GET.get("nik", ""))
    errors, warnings = [], []
    if nik:
        errors = nik_errors(nik, kecamatan_exists=kecamatan_exists)
        if not errors:
            try:
                tanggal_lahir = request.GET.get("tanggal_lahir", "")
                born = datetime.strptime(tanggal_lahir, "%Y-%m-%d").date()  # noqa: DTZ007 - a date
            except ValueError:
                born = None
            warnings = nik_warnings(
                nik, tanggal_lahir=born, jenis_kelamin=request.GET.get("jenis_kelamin", "")
            )
    return render(
        request, "sasaran/_nik_check.html", {"errors": errors, "warnings": warnings, "nik": nik}
    )


@scoped("personal")
def sasaran_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A person and their history; the panels of other apps (growth charts, immunization,
    pregnancies, screenings, tasks) come through core.registry."""
    person = person_or_404(request.user, public_id, include_merged=True)
    today = timezone.localdate()
    context = {
        "person": person,
        "stage": LABELS[life_stage_of(person, today)],
        "umur_bulan": completed_months(person.tanggal_lahir, today),
        "measurements": list(person.pengukuran.order_by("-tanggal", "-id")),
        "rujukan": person.rujukan.select_related("tujuan_puskesmas").all(),
        "persetujuan": person.persetujuan.all(),
        "kunjungan": person.kunjungan.select_related("sesi").order_by("-sesi__tanggal")[:12],
        "anak": people_visible(request.user).filter(ibu=person),
        "panels": history_panels(request, person),
        "can_merge": can_merge_people(request.user) and person.status != Sasaran.Status.DIGABUNG,
        "changes": changes(person),
    }
    return render(request, "sasaran/detail.html", context)


@scoped("personal")
def sasaran_merge_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    keep = person_or_404(request.user, public_id, include_merged=False)
    if not can_merge_people(request.user):
        raise Http404
    other_id = request.POST.get("lainnya") or request.GET.get("lainnya")
    other = None
    form = MergeForm(request.POST or request.GET or None)
    if other_id and form.is_valid():
        other = (
            people_visible(request.user)
            .filter(public_id=form.cleaned_data["lainnya"])
            .exclude(pk=keep.pk)
            .first()
        )
        if other is None:
            form.add_error("lainnya", _("No such person among the records you may see."))
    if request.method == "POST" and other is not None and request.POST.get("yakin"):
        try:
            moved = sasaran_merge(keep=keep, merged=other, by=request.user)
        except MergeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(other)s is merged into %(name)s (%(n)d records moved).")
                % {"other": other.nama, "name": keep.nama, "n": sum(moved.values())},
            )
            return redirect("sasaran:detail", keep.public_id)
    candidates = []
    if other is None:
        candidates = likely_duplicates(
            Candidate(keep.nama, keep.tanggal_lahir, keep.nama_ibu, keep.ibu_id, keep.nik_ibu),
            people_visible(request.user).exclude(pk=keep.pk),
        )
    search = request.GET.get("q", "")
    found = people_search(request.user, search).exclude(pk=keep.pk)[:20] if search else []
    return render(
        request,
        "sasaran/merge.html",
        {
            "keep": keep,
            "other": other,
            "form": form,
            "candidates": candidates,
            "found": found,
            "q": search,
        },
    )


@scoped("personal")
def keluarga_new(request: HttpRequest) -> HttpResponse:
    posyandu_qs = my_posyandu(request.user)
    form = KeluargaForm(request.POST or None)
    chosen = posyandu_qs.filter(pk=request.POST.get("posyandu") or 0).first() or posyandu_qs.first()
    if request.method == "POST" and form.is_valid() and chosen is not None:
        keluarga = keluarga_create(posyandu=chosen, **form.cleaned_data)
        messages.success(request, _("Household %(name)s is registered.") % {"name": keluarga})
        return redirect(safe_next(request, reverse("sasaran:new")))
    return render(
        request, "sasaran/keluarga_form.html", {"form": form, "posyandu_list": posyandu_qs}
    )


IDENTITY_FIELDS = {"nama", "tanggal_lahir", "ibu", "nama_ibu", "nik_ibu"}


@scoped("personal")
def sasaran_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Edit a person with the registration's NIK checks and duplicate rules. The Posyandu
    list holds only the Posyandu the editor may write to; choosing another moves the person."""
    person = person_or_404(request.user, public_id, include_merged=False)
    posyandu_qs = my_posyandu(request.user)
    form = SasaranEditForm(
        request.POST or None, instance=person, user=request.user, posyandu_qs=posyandu_qs
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if IDENTITY_FIELDS & set(form.changed_data):
            duplicates = likely_duplicates(
                Candidate.of(data), people_visible(request.user).exclude(pk=person.pk)
            )
        if not duplicates or data.get("konfirmasi_bukan_duplikat"):
            version = version_of(request.POST.get("version"))
            try:
                sasaran_update(
                    sasaran=person, posyandu=data["posyandu"], version=version,
                    **form.model_fields(),
                )  # fmt: skip
            except StaleRecord as stale:
                yours = {"posyandu": data["posyandu"], **form.model_fields()}
                back = reverse("sasaran:detail", args=[person.public_id])
                again = reverse("sasaran:edit", args=[person.public_id])
                return conflict_page(request, stale.current, yours, back=back, again=again)
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": person})
            return redirect("sasaran:detail", person.public_id)
    return render(
        request,
        "sasaran/edit.html",
        {"form": form, "person": person, "duplicates": duplicates, "warnings": form.warnings},
    )


@scoped("personal")
def sasaran_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = person_or_404(request.user, public_id, include_merged=False)
    form = StatusForm(
        request.POST or None, initial={"status": person.status, "sejak": person.status_sejak}
    )
    if request.method == "POST" and form.is_valid():
        try:
            sasaran_status_set(
                sasaran=person,
                status=form.cleaned_data["status"],
                sejak=form.cleaned_data["sejak"],
                version=version_of(request.POST.get("version")),
            )
        except StaleRecord as stale:
            yours = {
                "status": form.cleaned_data["status"],
                "status_sejak": form.cleaned_data["sejak"],
            }
            back = reverse("sasaran:detail", args=[person.public_id])
            return conflict_page(request, stale.current, yours, back=back)
        except StatusError as error:
            form.add_error("sejak", str(error))
        else:
            messages.success(request, _("The status is saved."))
            return redirect("sasaran:detail", person.public_id)
    return render(request, "sasaran/status.html", {"form": form, "person": person})


@scoped("personal")
def keluarga_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(households_search(request.user, q), 30).get_page(request.GET.get("page"))
    log_read("sasaran.keluarga_list", rows=len(page.object_list), model="sasaran.Keluarga",
             metadata={"page": page.number, "search": bool(q)})  # fmt: skip
    return render(request, "sasaran/keluarga_list.html", {"page": page, "q": q})


@scoped("personal")
def keluarga_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A household: address (editable) and members (add or remove people one may see)."""
    keluarga = get_object_or_404(households_visible(request.user), public_id=public_id)
    form = KeluargaForm(None, instance=keluarga)
    visible = people_visible(request.user)
    if request.method == "POST":
        action = request.POST.get("aksi")
        if action == "alamat":
            form = KeluargaForm(request.POST, instance=keluarga)
            if form.is_valid():
                try:
                    keluarga_update(
                        keluarga=keluarga,
                        version=version_of(request.POST.get("version")),
                        **form.cleaned_data,
                    )
                except StaleRecord as stale:
                    back = reverse("sasaran:keluarga_detail", args=[keluarga.public_id])
                    return conflict_page(request, stale.current, form.cleaned_data, back=back)
                messages.success(request, _("The household is saved."))
                return redirect("sasaran:keluarga_detail", keluarga.public_id)
        elif action in ("tambah", "hapus"):
            member_form = MemberAddForm(request.POST)
            if member_form.is_valid():
                person = person_or_404(request.user, member_form.cleaned_data["anggota"])
                if action == "tambah":
                    keluarga_member_add(keluarga=keluarga, sasaran=person)
                else:
                    keluarga_member_remove(keluarga=keluarga, sasaran=person)
                return redirect("sasaran:keluarga_detail", keluarga.public_id)
    q = request.GET.get("q", "")
    found = people_search(request.user, q).exclude(keluarga=keluarga)[:15] if q.strip() else []
    return render(
        request,
        "sasaran/keluarga_detail.html",
        {
            "keluarga": keluarga,
            "form": form,
            "members": visible.filter(keluarga=keluarga).order_by("tanggal_lahir"),
            "found": found,
            "q": q,
        },
    )


@scoped("personal")
def pindah_masuk(request: HttpRequest) -> HttpResponse:
    """Ask to move a person registered at a Posyandu one cannot see into one's own ("pindah
    masuk"), and follow one's requests. Whatever the NIK, the answer is the same: the request
    is sent, or there is nothing to move; where the person is stays unknown until approved."""
    posyandu_qs = my_posyandu(request.user)
    form = PindahMasukForm(request.POST or None, posyandu_qs=posyandu_qs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lookup = nik_lookup(request.user, data["nik"], via="pindah_masuk")
        if lookup.found == "limited":
            form.add_error(
                "nik", _("Too many NIK checks in a short time. Wait a while and try again.")
            )
        elif lookup.found == "visible" and lookup.person is not None:
            form.add_error("nik", _("This person is already in your records: no transfer needed."))
        else:
            try:
                permintaan_pindah_create(
                    nik=data["nik"],
                    ke_posyandu=data["ke_posyandu"],
                    nama=data["nama"],
                    tanggal_lahir=data["tanggal_lahir"],
                    alasan=data["alasan"],
                    by=request.user,
                )
            except TransferError as error:
                form.add_error("nik", str(error))
            else:
                messages.success(
                    request,
                    _("The request is sent. The bidan of the person’s Posyandu will decide."),
                )
                return redirect("sasaran:pindah_masuk")
    sent = list(transfer_requests_sent(request.user)[:50])
    return render(request, "sasaran/pindah_masuk.html", {"form": form, "sent": sent})


@scoped("personal")
def pindah_list(request: HttpRequest) -> HttpResponse:
    """Transfer requests for people of one's area, to approve or refuse (bidan, Puskesmas)."""
    requests = list(transfer_requests_to_decide(request.user)[:100])
    log_read("sasaran.pindah_list", rows=len(requests), model="sasaran.PermintaanPindah")
    return render(
        request,
        "sasaran/pindah_list.html",
        {
            "requests": requests,
            "can_decide": can_decide_transfers(request.user),
            "form": PindahKeputusanForm(),
        },
    )


@scoped("personal")
def pindah_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if request.method != "POST":
        return redirect("sasaran:pindah_list")
    permintaan = get_object_or_404(transfer_requests_to_decide(request.user), public_id=public_id)
    if not can_decide_transfers(request.user):
        raise Http404
    form = PindahKeputusanForm(request.POST)
    if form.is_valid():
        try:
            permintaan_pindah_decide(
                permintaan=permintaan,
                approve=form.cleaned_data["keputusan"] == "setujui",
                by=request.user,
                catatan=form.cleaned_data["catatan"],
            )
        except TransferError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The decision is saved."))
    return redirect("sasaran:pindah_list")


@scoped("personal")
def nik_show(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The full NIK of one person, on request (POST), audited: pages show it masked."""
    person = person_or_404(request.user, public_id, include_merged=True)
    if request.method != "POST":
        return redirect("sasaran:detail", person.public_id)
    log_read(
        "sasaran.nik_shown",
        rows=1,
        model=Sasaran._meta.label,
        object_id=str(person.public_id),
        wilayah_kode=person.wilayah_kode(),
    )
    response = HttpResponse(person.nik or "–", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@scoped("personal")
def salinan(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The person's (or parent's) copy of everything recorded about them, as PDF: handed over
    by the kader or bidan on request (right of access, UU 27/2022). Audited."""
    person = person_or_404(request.user, public_id, include_merged=True)
    pdf = copy_pdf(person, platform=settings.PLATFORM_NAME)
    log(
        AuditEvent.Action.DATA_REQUEST,
        model=Sasaran._meta.label,
        object_id=str(person.public_id),
        wilayah_kode=person.wilayah_kode(),
        metadata={"kind": "copy", "bytes": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="salinan-{person.public_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@scoped("personal")
def persetujuan_cabut(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Withdraw a consent (POST), on the person's request."""
    consent = get_object_or_404(
        restrict(Persetujuan.objects.select_related("sasaran"), request.user, "personal"),
        public_id=public_id,
    )
    if request.method == "POST":
        persetujuan_withdraw(persetujuan=consent, by=request.user)
        messages.success(request, _("The consent is withdrawn from today."))
    return redirect("sasaran:detail", consent.sasaran.public_id)
