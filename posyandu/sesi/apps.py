from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SesiConfig(AppConfig):
    name = "posyandu.sesi"
    label = "sesi"
    verbose_name = _("Posyandu day")

    def ready(self) -> None:
        from posyandu.sesi import listeners

        listeners.register()
