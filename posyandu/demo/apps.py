from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "posyandu.demo"
    label = "demo"
    verbose_name = "Demo"
