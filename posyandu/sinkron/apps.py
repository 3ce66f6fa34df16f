from django.apps import AppConfig


class SinkronConfig(AppConfig):
    name = "posyandu.sinkron"
    label = "sinkron"
    verbose_name = "Offline sync"
