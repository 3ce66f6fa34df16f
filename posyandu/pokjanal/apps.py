from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PokjanalConfig(AppConfig):
    name = "posyandu.pokjanal"
    label = "pokjanal"
    verbose_name = _("Pokjanal workspace")

    def ready(self) -> None:
        # Imported here, as Django requires: models are not loaded when apps.py is.
        from posyandu.laporan.registry import (
            MapLayer,
            register_map_layer,
            register_posyandu_panels,
            register_rebuild_step,
        )
        from posyandu.pokjanal.panels import strata_panel
        from posyandu.pokjanal.selectors import strata_by_unit, strata_legend
        from posyandu.pokjanal.services import strata_compute

        register_posyandu_panels(strata_panel)
        # Strata read the SKDN and coverage rows: laporan_rebuild runs this after them.
        register_rebuild_step(
            "strata", lambda prefix, month: strata_compute(prefix=prefix, month=month)
        )
        # The dashboards' map shows the strata of the units below (laporan cannot import us).
        register_map_layer(
            MapLayer(
                "strata",
                lambda: str(_("Posyandu strata")),
                strata_legend,
                strata_by_unit,
            )
        )
