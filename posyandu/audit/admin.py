from django.contrib import admin

from posyandu.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_username", "action", "model", "object_id", "wilayah_kode", "ip"]
    list_filter = ["action", "model"]
    search_fields = ["actor_username", "object_id", "wilayah_kode"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
