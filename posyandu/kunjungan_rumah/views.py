from typing import Any, TypedDict
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.accounts.decorators import scoped
from posyandu.core.registry import (
    open_tasks_of_people,
    task_get,
    task_list_url,
    tasks_closed_by_visit,
)
from posyandu.kunjungan_rumah import selectors
from posyandu.kunjungan_rumah.forms import MemberForm, VisitForm
from posyandu.kunjungan_rumah.measure import has_values, measured_that_day
from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.kunjungan_rumah.services import HomeVisitError, MemberInput, home_visit_record
from posyandu.sasaran.life_stage import LABELS, life_stage_of
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import person_or_404


class _MemberRow(TypedDict):
    """One family member on the visit form."""

    person: Sasaran
    stage: Any  # the life stage's label
    form: MemberForm
    same_day: Any  # the person's measurement already recorded that day, when the form asks


@scoped("personal")
def visit_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.visits(user=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request, "kunjungan_rumah/list.html", {"page": page, "tasks_url": task_list_url()}
    )


@scoped("personal")
def visit_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        visit = selectors.visit_get(user=request.user, public_id=public_id)
    except KunjunganRumah.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "kunjungan_rumah/detail.html",
        {"visit": visit, "closed": tasks_closed_by_visit(visit)},
    )


def _subject(request: HttpRequest) -> tuple[Sasaran, Any]:
    """The person the visit is for: from ?tugas=<task> or ?sasaran=<person>; 404 if outside
    the user's scope. Tasks come from the tugas app through core.registry."""
    try:
        if request.GET.get("tugas"):
            task = task_get(request.user, UUID(request.GET["tugas"]))
            return person_or_404(request.user, task.sasaran.public_id, include_merged=True), task
        return person_or_404(request.user, UUID(request.GET["sasaran"]), include_merged=True), None
    except (KeyError, ValueError, ObjectDoesNotExist) as exc:
        raise Http404 from exc


def _ask_same_day(rows: list[_MemberRow], tanggal: Any) -> bool:
    """Marks the rows measured again on a day they already have a measurement, without the
    answer whether the new one replaces it; True when there is such a row."""
    asked = False
    for row in rows:
        form = row["form"]
        if not has_values(form.measurement()) or form.cleaned_data.get("ulang"):
            continue
        row["same_day"] = measured_that_day(row["person"], tanggal)
        asked = asked or row["same_day"] is not None
    return asked


def _error_summary(visit_form: VisitForm, rows: list[_MemberRow]) -> list[dict[str, str]]:
    """The fields with an error, in form order, for the summary at the top of the form: each
    links to its box, and names the family member it belongs to."""
    out = [
        {"label": str(f.label), "id": f.id_for_label}
        for f in visit_form
        if f.errors and f.name in ("tanggal", "bertemu")
    ]
    for row in rows:
        form = row["form"]
        out += [
            {"label": f"{row['person'].nama}: {f.label}", "id": f.id_for_label}
            for f in form
            if f.errors
        ]
        if form.non_field_errors():
            out.append({"label": row["person"].nama, "id": form["dikunjungi"].id_for_label})
    out += [
        {"label": str(f.label), "id": f.id_for_label}
        for f in visit_form
        if f.errors and f.name not in ("tanggal", "bertemu")
    ]
    return out


@scoped("personal")
def visit_new(request: HttpRequest) -> HttpResponse:
    sasaran, task = _subject(request)
    today = timezone.localdate()
    members = selectors.household_of(user=request.user, sasaran=sasaran)
    data = request.POST if request.method == "POST" else None
    visit_form = VisitForm(data, initial={"tanggal": today, "bertemu": True})
    rows: list[_MemberRow] = []
    for i, person in enumerate(members):
        stage = life_stage_of(person, today)
        initial = {"dikunjungi": person.pk == sasaran.pk}
        form = MemberForm(
            data, prefix=f"m{i}", stage=stage, initial=initial, sasaran=person, on=today
        )
        rows.append(
            {"person": person, "stage": LABELS.get(stage, stage), "form": form, "same_day": None}
        )
    tasks = open_tasks_of_people(request.user, [m.pk for m in members], today)
    if request.method == "POST":
        chosen = set(request.POST.getlist("tugas"))
        valid = visit_form.is_valid() & all([row["form"].is_valid() for row in rows])
        seen = [row for row in rows if valid and row["form"].cleaned_data["dikunjungi"]]
        # The person the visit was opened for first: "rujuk" without a ticked task refers them.
        seen.sort(key=lambda row: row["person"].pk != sasaran.pk)
        if valid and not seen:
            visit_form.add_error(None, _("Tick at least one family member seen at this visit."))
        elif valid and _ask_same_day(seen, visit_form.cleaned_data["tanggal"]):
            visit_form.add_error(None, _("Say whether the new measurement replaces the first one."))
        elif valid:
            try:
                visit = home_visit_record(
                    by=request.user,
                    posyandu=sasaran.posyandu,
                    keluarga=sasaran.keluarga,
                    members=[
                        MemberInput(
                            sasaran=row["person"],
                            ceklis=row["form"].answers(),
                            catatan=row["form"].cleaned_data["catatan"],
                            measurement=row["form"].measurement(),
                            same_day=row["form"].cleaned_data.get("ulang") or "",
                        )
                        for row in seen
                    ],
                    tugas=[t for t in tasks if str(t.public_id) in chosen],
                    **{k: v for k, v in visit_form.cleaned_data.items()},
                )
            except HomeVisitError as exc:
                visit_form.add_error(None, str(exc))
            else:
                closed = len(tasks_closed_by_visit(visit))
                messages.success(
                    request,
                    _("Home visit saved. Tasks closed: %(n)s.") % {"n": closed},
                )
                return redirect("kunjungan_rumah:detail", public_id=visit.public_id)
    context = {
        "errors": _error_summary(visit_form, rows) if request.method == "POST" else [],
        "sasaran": sasaran,
        "task": task,
        "form": visit_form,
        "rows": rows,
        "tasks": tasks,
        "chosen": {str(t.public_id) for t in tasks}
        if request.method != "POST"
        else set(request.POST.getlist("tugas")),
    }
    return render(request, "kunjungan_rumah/form.html", context)
