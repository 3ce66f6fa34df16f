from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KiaConfig(AppConfig):
    name = "posyandu.kia"
    label = "kia"
    verbose_name = _("Maternal care")

    def ready(self) -> None:
        from posyandu.core.registry import (
            register_history_panels,
            register_maternal_state,
            register_visit_panels,
        )
        from posyandu.kia import panels, selectors

        register_maternal_state(selectors.maternal_state)
        register_visit_panels(panels.visit_panels)
        register_history_panels(panels.history_panels)
