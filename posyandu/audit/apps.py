from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "posyandu.audit"
    label = "audit"
    verbose_name = "Audit"
