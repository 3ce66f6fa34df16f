from datetime import date
from itertools import groupby
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict, scope_for
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.selectors import person_or_404
from posyandu.tugas import selectors, targets
from posyandu.tugas.models import Tugas


def _posyandu_filter(request: HttpRequest) -> Posyandu | None:
    raw = request.GET.get("posyandu")
    if not raw:
        return None
    try:
        return restrict(Posyandu.objects.all(), request.user, "personal").get(public_id=UUID(raw))
    except (ValueError, Posyandu.DoesNotExist) as exc:
        raise Http404 from exc


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("tanggal", ""))
    except ValueError:
        return timezone.localdate()


@scoped("personal")
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Tugas saya: overdue, today, this week, later; a supervisor can pick a Posyandu."""
    today = timezone.localdate()
    posyandu = _posyandu_filter(request)
    mine = request.GET.get("semua") != "1"
    tasks = selectors.open_tasks(
        user=request.user, today=today, mine=mine, posyandu_id=posyandu.pk if posyandu else None
    )
    choices = restrict(Posyandu.objects.all(), request.user, "personal").order_by("nama")[:200]
    context = {
        "buckets": selectors.bucket(tasks, today),
        "today": today,
        "posyandu": posyandu,
        "posyandu_choices": choices if len(choices) > 1 else [],
        "mine": mine,
        "progress": targets.progress_for_user(user=request.user, month=today),
    }
    return render(request, "tugas/mine.html", context)


@scoped("personal")
def task_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        task = selectors.task_get(user=request.user, public_id=public_id)
    except Tugas.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "tugas/detail.html", {"task": task, "today": timezone.localdate()})


@scoped("personal")
def person_tasks(request: HttpRequest, public_id: UUID) -> HttpResponse:
    sasaran = person_or_404(request.user, public_id, include_merged=True)
    tasks = selectors.tasks_of_person(user=request.user, sasaran=sasaran, limit=50)
    return render(request, "tugas/person.html", {"sasaran": sasaran, "tasks": tasks})


@scoped("personal")
def print_list(request: HttpRequest) -> HttpResponse:
    """A visit list to print for a day without signal: open tasks due by that day's week's
    end, grouped by household, with boxes to tick by hand."""
    day = _day(request)
    posyandu = _posyandu_filter(request)
    tasks = selectors.open_tasks(
        user=request.user, today=day, mine=True, posyandu_id=posyandu.pk if posyandu else None
    ).order_by("posyandu__nama", "sasaran__keluarga_id", "sasaran__nama", "jatuh_tempo")
    groups = [
        (key, list(items))
        for key, items in groupby(tasks, key=lambda t: (t.posyandu, t.sasaran.keluarga))
    ]
    return render(request, "tugas/print.html", {"groups": groups, "day": day, "posyandu": posyandu})


@scoped("aggregate")
def supervision(request: HttpRequest) -> HttpResponse:
    """Per Posyandu or per desa: open, overdue and closed tasks, and the month's targets."""
    today = timezone.localdate()
    by = "desa" if request.GET.get("per") == "desa" else "posyandu"
    context = {
        "rows": selectors.summary(user=request.user, today=today, by=by),
        "by": by,
        "today": today,
        "personal": bool(scope_for(request.user).personal),
    }
    return render(request, "tugas/supervision.html", context)


@scoped("aggregate")
def target_list(request: HttpRequest) -> HttpResponse:
    month = targets.month_of(request.GET.get("bulan"))
    context = {
        "month": month,
        "table": targets.posyandu_progress(user=request.user, month=month),
        "kader": targets.kader_progress(user=request.user, month=month),
        "definitions": targets.definitions(),
    }
    return render(request, "tugas/targets.html", context)
