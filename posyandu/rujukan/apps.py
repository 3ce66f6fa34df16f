from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RujukanConfig(AppConfig):
    name = "posyandu.rujukan"
    label = "rujukan"
    verbose_name = _("Referrals")
