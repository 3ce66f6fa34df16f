"""The tasks panel on the person page (sasaran), through the shared registry."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import Panel, register_history_panels


def tasks_panel(request: Any, sasaran: Any) -> list[Panel]:
    from posyandu.tugas.selectors import tasks_of_person

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


def register() -> None:
    register_history_panels(tasks_panel)
