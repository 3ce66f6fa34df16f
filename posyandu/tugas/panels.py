"""What tugas adds to other apps' screens through the shared registry: the tasks panel on the
person page (sasaran) and the tasks a home visit can answer (kunjungan_rumah)."""

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import Panel, TaskSource, register_history_panels, register_task_source
from posyandu.tugas.models import Tugas
from posyandu.tugas.selectors import open_tasks_of_people, task_get, tasks_of_person


def tasks_panel(request: Any, sasaran: Any) -> list[Panel]:
    tasks = tasks_of_person(user=request.user, sasaran=sasaran)
    return [
        Panel(
            key="tugas",
            title=str(_("Follow-up tasks")),
            template="tugas/_panel.html",
            context={"tasks": tasks, "sasaran": sasaran},
            order=20,
        )
    ]


def _open_of_people(user: Any, sasaran_ids: list[int], today: date) -> list[Tugas]:
    return list(open_tasks_of_people(user=user, sasaran_ids=sasaran_ids, today=today))


def _get(user: Any, public_id: Any) -> Tugas:
    return task_get(user=user, public_id=public_id)


def _closed_by_visit(visit: Any) -> list[Tugas]:
    return list(Tugas.objects.filter(kunjungan_rumah=visit).select_related("sasaran"))


def _list_url() -> str:
    return reverse("tugas:mine")


TASKS = TaskSource(
    open_of_people=_open_of_people,
    get=_get,
    closed_by_visit=_closed_by_visit,
    list_url=_list_url,
)


def register() -> None:
    register_history_panels(tasks_panel)
    register_task_source(TASKS)
