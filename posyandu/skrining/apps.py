from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkriningConfig(AppConfig):
    name = "posyandu.skrining"
    label = "skrining"
    verbose_name = _("Screenings")

    def ready(self) -> None:
        from posyandu.core import registry
        from posyandu.skrining import corrections, panels

        registry.register_visit_panels(panels.visit_panels)
        registry.register_history_panels(panels.history_panels)
        registry.register_reason_labels(panels.referral_reason_label)
        corrections.register()
