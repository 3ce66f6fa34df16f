from django.apps import AppConfig


class CitusConfig(AppConfig):
    name = "posyandu.citus"
    label = "citus"
    verbose_name = "Citus distribution (national scale)"
