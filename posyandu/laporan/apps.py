from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporanConfig(AppConfig):
    name = "posyandu.laporan"
    label = "laporan"
    verbose_name = _("Reports and dashboards")

    def ready(self) -> None:
        from posyandu.laporan import jobs, listeners

        jobs.register()

        # RekapBulanan and RekapLayanan follow the records they count (core/derived.py).
        listeners.register()
