"""Correct, void ("batalkan") and undo ("urungkan") records of the day and of home visits.

One set of screens for every app's correctable records (core.registry.register_correctable):
sesi is the lowest app that can host them, the apps above register into it. Who may is
`accounts.scope.may_correct`; what happens is `core.corrections`.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import entered_today_by, may_correct, visible_or_404
from posyandu.core.concurrency import StaleRecord, conflict_page, version_of
from posyandu.core.corrections import (
    REASON_UNDO,
    CorrectionError,
    record_correct,
    record_void,
)
from posyandu.core.registry import Correctable, correctable
from posyandu.sesi.corrections import changes_of, correction_form, entries_of_visit, person_of
from posyandu.sesi.views import _kunjungan_or_404


def _back(spec: Correctable, record: Any) -> str:
    url = spec.return_url(record) if spec.return_url is not None else None
    person = person_of(spec, record)
    return url or (reverse("sasaran:detail", args=[person.public_id]) if person else "/")


def refusal_message() -> str:
    return _(
        "Only the person who entered this can correct it, on the same day. Ask the bidan or "
        "the Puskesmas to correct it."
    )


@scoped("personal")
def record_correction(request: HttpRequest, label: str, public_id: UUID) -> HttpResponse:
    """The correction page of one record: edit its fields, or void it, with a reason."""
    spec = correctable(label)
    if spec is None:
        raise Http404
    record = visible_or_404(
        spec.model.all_objects.all(), request.user, "personal", public_id=public_id
    )
    allowed = may_correct(request.user, record)
    back = _back(spec, record)
    data = (
        request.POST if request.method == "POST" and request.POST.get("aksi") == "simpan" else None
    )
    form = correction_form(spec, record, data)
    error = ""
    status = 200
    if request.method == "POST":
        reason = request.POST.get("alasan", "")
        try:
            if not allowed:
                status = 403
                raise CorrectionError(refusal_message())
            if request.POST.get("aksi") == "batalkan":
                voided = record_void(record, by=request.user, reason=reason)
                messages.success(
                    request,
                    _("Voided (%(n)s entries), with the reason: %(reason)s")
                    % {"n": len(voided), "reason": record.alasan_batal},
                )
                return redirect(back)
            if form.is_valid():
                changes = changes_of(form, record)
                if not changes:
                    raise CorrectionError(_("Nothing was changed."))
                try:
                    record_correct(
                        record,
                        by=request.user,
                        reason=reason,
                        changes=changes,
                        version=version_of(request.POST.get("version")),
                    )
                except StaleRecord as stale:
                    return conflict_page(request, stale.current, changes, back=back)
                messages.success(request, _("The correction is saved."))
                return redirect(back)
            status = 400
        except CorrectionError as exc:
            error = str(exc)
            status = status if status != 200 else 400
    context = {
        "spec": spec,
        "record": record,
        "person": person_of(spec, record),
        "form": form,
        "allowed": allowed,
        "refusal": "" if allowed else refusal_message(),
        "error": error,
        "back": back,
        "reason": request.POST.get("alasan", "") if request.method == "POST" else "",
    }
    return render(request, "sesi/koreksi.html", context, status=status)


def last_undoable(kunjungan: Any, user: Any) -> tuple[Correctable, Any] | None:
    """The user's last live entry at this visit, entered today: what "urungkan" undoes."""
    for spec, record in entries_of_visit(kunjungan):
        if record.deleted_at is None:
            return (spec, record) if entered_today_by(user, record) else None
    return None


@require_POST
@scoped("personal")
def kunjungan_undo(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Urungkan: void the last entry of this visit, if the user made it (reason "urungkan")."""
    kunjungan = _kunjungan_or_404(request.user, public_id)
    last = last_undoable(kunjungan, request.user)
    if last is None:
        messages.error(request, _("There is no entry of yours at this visit to undo."))
    else:
        spec, record = last
        record_void(record, by=request.user, reason=REASON_UNDO)
        messages.success(request, _("Undone: %(what)s.") % {"what": spec.title})
    return redirect("sesi:kunjungan", kunjungan.public_id)
