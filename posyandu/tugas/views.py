from datetime import date
from itertools import groupby
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict, scope_for
from posyandu.audit.recorder import log_read
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.selectors import person_or_404
from posyandu.tugas import selectors, targets
from posyandu.tugas.models import Tugas
from posyandu.tugas.ruleset import ruleset, title_text
from posyandu.tugas.selectors import GROUPS


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


PAGE_SIZE = 50


def _int_or_none(raw: str | None, allowed: set[int]) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if value in allowed else None


@scoped("personal")
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Tugas saya: overdue, today, this week, later, 50 a page, with counts per group;
    filters by Posyandu (named with its desa), priority, type (rule) and group."""
    today = timezone.localdate()
    posyandu = _posyandu_filter(request)
    mine = request.GET.get("semua") != "1"
    rule_codes = {r.code for r in ruleset().rules}
    aturan = request.GET.get("jenis") if request.GET.get("jenis") in rule_codes else None
    prioritas = _int_or_none(request.GET.get("prioritas"), {1, 2, 3})
    group = request.GET.get("kelompok") if request.GET.get("kelompok") in GROUPS else None
    base = selectors.open_tasks(user=request.user, today=today, mine=mine)
    tasks = selectors.open_tasks(
        user=request.user,
        today=today,
        mine=mine,
        posyandu_id=posyandu.pk if posyandu else None,
        prioritas=prioritas,
        aturan=aturan,
    )
    counts = selectors.group_counts(tasks, today)
    shown = tasks.filter(selectors.group_q(group, today)) if group else tasks
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    per_posyandu = selectors.counts_by(base, "posyandu_id")
    choices = (
        restrict(Posyandu.objects.all(), request.user, "personal")
        .filter(pk__in=list(per_posyandu))
        .select_related("desa")
        .order_by("nama", "desa__nama")[:300]
    )
    per_rule = selectors.counts_by(base, "aturan")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "buckets": selectors.bucket(list(page), today),
        "page": page,
        "counts": counts,
        "total": sum(counts.values()),
        "group": group,
        "today": today,
        "posyandu": posyandu,
        "posyandu_choices": [(p, per_posyandu.get(p.pk, 0)) for p in choices]
        if len(per_posyandu) > 1 or posyandu
        else [],
        "rule_choices": sorted(
            ((code, title_text(code), n) for code, n in per_rule.items()), key=lambda c: c[1]
        ),
        "aturan": aturan,
        "prioritas": prioritas,
        "mine": mine,
        "query": query.urlencode(),
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
    log_read(  # a printed visit list of names (issue 16)
        "tugas.print",
        rows=sum(len(items) for _key, items in groups),
        model="tugas.Tugas",
        metadata={"day": day.isoformat(), "posyandu": str(posyandu.public_id) if posyandu else ""},
    )
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
