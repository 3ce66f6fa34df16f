from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KunjunganRumahConfig(AppConfig):
    name = "posyandu.kunjungan_rumah"
    label = "kunjungan_rumah"
    verbose_name = _("Home visits")

    def ready(self) -> None:
        from posyandu.kunjungan_rumah import corrections

        corrections.register()
