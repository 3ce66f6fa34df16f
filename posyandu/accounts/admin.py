from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from posyandu.accounts.models import ApiToken, Assignment, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["wilayah", "puskesmas", "pustu", "posyandu"]


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    inlines = [AssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_demo"]
    fieldsets = (*(UserAdmin.fieldsets or ()), (None, {"fields": ["telepon"]}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `manage.py api_token create` (the key is shown once); here they
    are listed and can be revoked by setting `revoked at`."""

    list_display = ["prefix", "nama", "user", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["user", "nama", "prefix", "digest", "created_at", "expires_at",
                       "last_used_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
