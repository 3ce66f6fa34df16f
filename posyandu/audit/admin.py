from django.contrib import admin
from django.http import HttpRequest

from posyandu.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_username", "action", "model", "object_id", "wilayah_kode", "ip"]
    list_filter = ["action", "model"]
    search_fields = ["actor_username", "object_id", "wilayah_kode"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
