from django.apps import AppConfig


class PertukaranConfig(AppConfig):
    name = "posyandu.pertukaran"
    label = "pertukaran"
    verbose_name = "Import and export of person-level workbooks (e-PPGBM, Excel, CSV)"
