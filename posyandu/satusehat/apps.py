from django.apps import AppConfig


class SatusehatConfig(AppConfig):
    name = "posyandu.satusehat"
    label = "satusehat"
    verbose_name = "SATUSEHAT FHIR exchange"
