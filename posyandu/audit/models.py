from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which record, when, in which region and from where. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        MERGE = "merge", _("merge")
        # A correction (edit) or a void ("batalkan") of a record, with the reason and the old
        # values in metadata: the one kind of event that keeps values (ADR 0003).
        CORRECT = "correct", _("correction")
        VOID = "void", _("void")
        # Reads of personal data: a list, print, card, export page or API page (metadata: what
        # and how many rows), a full NIK shown, and every lookup of a NIK across the country.
        READ = "read", _("read of personal data")
        NIK_LOOKUP = "nik_lookup", _("NIK lookup")
        TRANSFER = "transfer", _("transfer between Posyandu")
        DATA_REQUEST = "data_request", _("data subject request")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    model = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    wilayah_kode = models.CharField(max_length=13, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    scope_fields = {"wilayah": "wilayah_kode"}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.model}"
