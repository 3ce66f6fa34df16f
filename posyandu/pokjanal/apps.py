from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PokjanalConfig(AppConfig):
    name = "posyandu.pokjanal"
    label = "pokjanal"
    verbose_name = _("Pokjanal workspace")

    def ready(self) -> None:
        from posyandu.laporan.registry import register_posyandu_panels
        from posyandu.pokjanal.panels import strata_panel

        register_posyandu_panels(strata_panel)
