from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TugasConfig(AppConfig):
    name = "posyandu.tugas"
    label = "tugas"
    verbose_name = _("Tasks and targets")

    def ready(self) -> None:
        from posyandu.tugas import jobs, listeners, loaders, panels

        jobs.register()
        listeners.register()
        loaders.register()
        panels.register()
