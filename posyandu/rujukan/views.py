from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import can_answer_referrals
from posyandu.core.concurrency import StaleRecord, conflict_page, version_of
from posyandu.core.registry import referral_facts, visit_lookup
from posyandu.rujukan.forms import FeedbackForm, ReferralForm
from posyandu.rujukan.rules import (
    default_destination,
    feedback_days,
    next_step,
    reason_label,
    reasons_text,
)
from posyandu.rujukan.selectors import OPEN, is_overdue, overdue, referrals_visible
from posyandu.rujukan.services import referral_create, referral_feedback
from posyandu.sasaran.life_stage import age_label
from posyandu.sasaran.selectors import person_or_404


@scoped("personal")
def rujukan_list(request: HttpRequest) -> HttpResponse:
    """Incoming referrals (Puskesmas) / referrals made (kader, bidan), open ones first."""
    status = request.GET.get("status", "terbuka")
    today = timezone.localdate()
    qs = referrals_visible(request.user)
    late = overdue(qs, today)
    if status == "terbuka":
        # Escalated first: open referrals still without feedback after the rule's days.
        qs = qs.filter(status__in=OPEN).annotate(
            terlambat=Case(When(pk__in=list(late.values_list("pk", flat=True)), then=1), default=0)
        )
        qs = qs.order_by("-terlambat", "tanggal", "id")
    elif status == "terlambat":
        qs = late.order_by("tanggal", "id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(r, is_overdue(r, today), next_step(r.hasil)) for r in page],
        "status": status,
        "late_count": late.count(),
        "days": feedback_days(),
    }
    return render(request, "rujukan/list.html", context)


@scoped("personal")
def rujukan_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    rujukan = get_object_or_404(referrals_visible(request.user), public_id=public_id)
    may_answer = can_answer_referrals(request.user)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and not may_answer:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            referral_feedback(
                rujukan=rujukan,
                hasil=form.cleaned_data["hasil"],
                umpan_balik=form.cleaned_data["umpan_balik"],
                saran_kader=form.cleaned_data["saran_kader"],
                by=request.user,
                tanggal=timezone.localdate(),
                version=version_of(request.POST.get("version")),
            )
        except StaleRecord as stale:
            back = reverse("rujukan:detail", args=[rujukan.public_id])
            return conflict_page(request, stale.current, form.cleaned_data, back=back)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The feedback is saved; the kader will see it."))
            return redirect("rujukan:detail", rujukan.public_id)
    today = timezone.localdate()
    person = rujukan.sasaran
    labels = [reason_label(c) for c in rujukan.aturan]
    context = {
        "r": rujukan,
        "form": form,
        "labels": labels,
        # the reason once: the typed text only when it says more than the rules' words
        "alasan": "" if rujukan.alasan.strip() == "; ".join(labels) else rujukan.alasan,
        "may_answer": may_answer,
        "umur": age_label(person.tanggal_lahir, today),
        "facts": referral_facts(person, today),
        "late": is_overdue(rujukan, today),
        "days": feedback_days(),
        "next_step": next_step(rujukan.hasil),
    }
    return render(request, "rujukan/detail.html", context)


@scoped("personal")
def rujukan_new(request: HttpRequest, sasaran_id: UUID) -> HttpResponse:
    """Refer a person; from a visit page (`kunjungan`: a check-in of the Posyandu day) the
    referral carries the session's date and the kader goes back to the visit."""
    person = person_or_404(request.user, sasaran_id)
    codes = [
        c for c in (request.GET.get("aturan") or request.POST.get("aturan") or "").split(",") if c
    ]
    visit = None
    if request.GET.get("kunjungan"):
        visit = visit_lookup(request.user, request.GET["kunjungan"])
    form = ReferralForm(
        request.POST or None,
        posyandu=person.posyandu,
        initial={
            "alasan": reasons_text(codes),
            "aturan": ",".join(codes),
            "tujuan": default_destination(codes),
        },
    )
    if request.method == "POST" and form.is_valid():
        posyandu = person.posyandu
        rujukan = referral_create(
            sasaran=person,
            alasan=form.cleaned_data["alasan"],
            aturan=codes,
            by=request.user,
            tanggal=visit.tanggal if visit else timezone.localdate(),
            pustu=posyandu.pustu if form.cleaned_data["tujuan"] == "pustu" else None,
        )
        if form.cleaned_data["tujuan"] != "pustu" and rujukan.tujuan_pustu_id:
            rujukan.tujuan_pustu = None
            rujukan.save(update_fields=["tujuan_pustu"])
        messages.success(
            request,
            _("The referral is sent to %(to)s.")
            % {"to": rujukan.tujuan_pustu or rujukan.tujuan_puskesmas},
        )
        if visit is not None:
            return redirect(visit.url)
        return redirect("sasaran:detail", person.public_id)
    labels = [reason_label(c) for c in codes]
    return render(request, "rujukan/form.html", {"person": person, "form": form, "labels": labels})
