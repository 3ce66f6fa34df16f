from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "posyandu.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from posyandu.audit import auth_events  # noqa: F401  (connects login signals)
