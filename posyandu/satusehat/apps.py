from django.apps import AppConfig


class SatusehatConfig(AppConfig):
    name = "posyandu.satusehat"
    label = "satusehat"
    verbose_name = "SATUSEHAT FHIR exchange"

    def ready(self) -> None:
        from posyandu.satusehat import jobs, listeners

        jobs.register()
        listeners.register()
