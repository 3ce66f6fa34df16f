from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FasilitasConfig(AppConfig):
    name = "posyandu.fasilitas"
    label = "fasilitas"
    verbose_name = _("Facilities")
