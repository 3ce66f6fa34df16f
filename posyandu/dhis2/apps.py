from django.apps import AppConfig


class Dhis2Config(AppConfig):
    name = "posyandu.dhis2"
    label = "dhis2"
    verbose_name = "DHIS2 aggregate exchange"
