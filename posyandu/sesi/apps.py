from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SesiConfig(AppConfig):
    name = "posyandu.sesi"
    label = "sesi"
    verbose_name = _("Posyandu day")

    def ready(self) -> None:
        from posyandu.core import registry
        from posyandu.sesi import corrections, listeners, panels, services

        listeners.register()
        corrections.register()
        registry.register_history_panels(corrections.voided_history_panel)
        registry.register_history_panels(panels.history_panels)
        registry.register_visit_lookup(panels.visit_ref)
        registry.register_referral_facts(panels.referral_facts)
        registry.register_merge_resolver("sesi.Kunjungan", services.checkins_merge)
