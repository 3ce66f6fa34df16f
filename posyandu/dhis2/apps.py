from django.apps import AppConfig


class Dhis2Config(AppConfig):
    name = "posyandu.dhis2"
    label = "dhis2"
    verbose_name = "DHIS2 aggregate exchange"

    def ready(self) -> None:
        from posyandu.dhis2 import jobs

        jobs.register()
