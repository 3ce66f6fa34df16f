from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkriningConfig(AppConfig):
    name = "posyandu.skrining"
    label = "skrining"
    verbose_name = _("Screenings")

    def ready(self) -> None:
        from posyandu.core.registry import register_history_panels, register_visit_panels
        from posyandu.skrining import panels

        register_visit_panels(panels.visit_panels)
        register_history_panels(panels.history_panels)
