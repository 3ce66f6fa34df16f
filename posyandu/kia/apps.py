from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KiaConfig(AppConfig):
    name = "posyandu.kia"
    label = "kia"
    verbose_name = _("Maternal care")

    def ready(self) -> None:
        from posyandu.core import registry
        from posyandu.kia import corrections, panels, selectors

        registry.register_maternal_state(selectors.maternal_state)
        registry.register_visit_panels(panels.visit_panels)
        registry.register_history_panels(panels.history_panels)
        registry.register_expected_at_session(panels.expected_at_session)
        registry.register_referral_facts(panels.referral_facts)
        registry.register_reason_labels(panels.referral_reason_label)
        corrections.register()
