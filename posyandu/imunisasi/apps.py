from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImunisasiConfig(AppConfig):
    name = "posyandu.imunisasi"
    label = "imunisasi"
    verbose_name = _("Immunization")

    def ready(self) -> None:
        from posyandu.core.registry import register_history_panels, register_visit_panels
        from posyandu.imunisasi import panels

        register_visit_panels(panels.visit_panels)
        register_history_panels(panels.history_panels)
