from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImunisasiConfig(AppConfig):
    name = "posyandu.imunisasi"
    label = "imunisasi"
    verbose_name = _("Immunization")

    def ready(self) -> None:
        from posyandu.core import registry
        from posyandu.imunisasi import corrections, panels

        registry.register_visit_panels(panels.visit_panels)
        registry.register_history_panels(panels.history_panels)
        registry.register_expected_at_session(panels.expected_at_session)
        corrections.register()
