from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SasaranConfig(AppConfig):
    name = "posyandu.sasaran"
    label = "sasaran"
    verbose_name = _("People and households")
