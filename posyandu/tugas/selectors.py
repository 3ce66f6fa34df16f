"""Reads of tasks, always through the one scope check."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from posyandu.accounts.scope import is_bidan, is_kader, restrict, sees_all_field_work
from posyandu.core.periods import month_bounds
from posyandu.tugas.models import Tugas


def _for_roles(qs: QuerySet[Tugas], user: Any) -> QuerySet[Tugas]:
    """A kader's list holds kader tasks, a bidan's bidan tasks; others see all of them."""
    if sees_all_field_work(user):
        return qs
    wanted = {Tugas.Untuk.KEDUANYA}
    if is_kader(user):
        wanted.add(Tugas.Untuk.KADER)
    if is_bidan(user):
        wanted.add(Tugas.Untuk.BIDAN)
    return qs.filter(untuk__in=sorted(wanted))


def open_tasks(
    *,
    user: Any,
    today: date,
    mine: bool = True,
    posyandu_id: int | None = None,
    desa_id: str | None = None,
    prioritas: int | None = None,
    aturan: str | None = None,
) -> QuerySet[Tugas]:
    """Open tasks already shown (start <= today) the user may see, most urgent first,
    optionally of one Posyandu, desa, priority or rule (type)."""
    qs = restrict(
        Tugas.objects.filter(status=Tugas.Status.TERBUKA, mulai__lte=today), user, "personal"
    )
    if mine:
        qs = _for_roles(qs, user)
    if posyandu_id:
        qs = qs.filter(posyandu_id=posyandu_id)
    if desa_id:
        qs = qs.filter(desa_id=desa_id)
    if prioritas:
        qs = qs.filter(prioritas=prioritas)
    if aturan:
        qs = qs.filter(aturan=aturan)
    return (
        qs.select_related("sasaran", "posyandu__desa")
        .prefetch_related("sasaran__keluarga")  # a query of its own (docs/scaling.md)
        .order_by("jatuh_tempo", "prioritas", "sasaran__nama", "id")
    )


@dataclass
class Buckets:
    overdue: list[Tugas] = field(default_factory=list)
    today: list[Tugas] = field(default_factory=list)
    week: list[Tugas] = field(default_factory=list)
    later: list[Tugas] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.week) + len(self.later)


def bucket(tasks: QuerySet[Tugas] | list[Tugas], today: date) -> Buckets:
    """Overdue (due before today), today, this week (next 6 days) and later."""
    out = Buckets()
    week_end = today + timedelta(days=6)
    for task in tasks:
        if task.jatuh_tempo < today:
            out.overdue.append(task)
        elif task.jatuh_tempo == today:
            out.today.append(task)
        elif task.jatuh_tempo <= week_end:
            out.week.append(task)
        else:
            out.later.append(task)
    return out


GROUPS = ("terlambat", "hari_ini", "minggu_ini", "nanti")


def group_q(group: str, today: date) -> Q:
    """The same four groups as `bucket`, as a filter."""
    week_end = today + timedelta(days=6)
    return {
        "terlambat": Q(jatuh_tempo__lt=today),
        "hari_ini": Q(jatuh_tempo=today),
        "minggu_ini": Q(jatuh_tempo__gt=today, jatuh_tempo__lte=week_end),
        "nanti": Q(jatuh_tempo__gt=week_end),
    }[group]


def group_counts(tasks: QuerySet[Tugas], today: date) -> dict[str, int]:
    """How many of these tasks are in each group, in one query (whatever page is shown)."""
    counts = tasks.order_by().aggregate(
        **{g: Count("id", filter=group_q(g, today)) for g in GROUPS}
    )
    return {g: int(counts[g] or 0) for g in GROUPS}


def counts_by(tasks: QuerySet[Tugas], field: str) -> dict[Any, int]:
    """How many of these tasks per value of `field` (posyandu_id, prioritas, aturan)."""
    rows = tasks.order_by().values(field).annotate(n=Count("id"))
    return {row[field]: row["n"] for row in rows}


def task_get(*, user: Any, public_id: UUID) -> Tugas:
    qs = restrict(Tugas.objects.select_related("sasaran", "posyandu"), user, "personal")
    return qs.get(public_id=public_id)


def tasks_of_person(*, user: Any, sasaran: Any, limit: int = 20) -> list[Tugas]:
    qs = restrict(Tugas.objects.filter(sasaran=sasaran), user, "personal")
    return list(qs.order_by("status", "-jatuh_tempo")[:limit])


def open_tasks_of_people(*, user: Any, sasaran_ids: list[int], today: date) -> QuerySet[Tugas]:
    return open_tasks(user=user, today=today, mine=False).filter(sasaran_id__in=sasaran_ids)


def summary(*, user: Any, today: date, by: str = "posyandu") -> list[dict[str, Any]]:
    """Per Posyandu (or per desa): open, overdue and this month's closed tasks, for
    supervisors. Counts only: aggregate scope."""
    month_start, _end = month_bounds(today)
    qs = restrict(Tugas.objects.all(), user, "aggregate")
    group = (
        ["posyandu_id", "posyandu__nama", "desa__nama"]
        if by == "posyandu"
        else ["desa_id", "desa__nama"]
    )
    open_q = Q(status=Tugas.Status.TERBUKA, mulai__lte=today)
    rows = (
        qs.values(*group)
        .annotate(
            terbuka=Count("id", filter=open_q),
            terlambat=Count("id", filter=open_q & Q(jatuh_tempo__lt=today)),
            selesai=Count(
                "id", filter=Q(status=Tugas.Status.SELESAI, selesai_pada__gte=month_start)
            ),
            kunjungan=Count(
                "id",
                filter=Q(cara_selesai=Tugas.Cara.KUNJUNGAN_RUMAH, selesai_pada__gte=month_start),
            ),
            kedaluwarsa=Count(
                "id", filter=Q(status=Tugas.Status.KEDALUWARSA, selesai_pada__gte=month_start)
            ),
        )
        .order_by(*group[1:])
    )
    return list(rows)
