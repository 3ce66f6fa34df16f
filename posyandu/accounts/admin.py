from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from posyandu.accounts.models import Assignment, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["wilayah", "puskesmas", "pustu", "posyandu"]


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    inlines = [AssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_demo"]
    fieldsets = (*(UserAdmin.fieldsets or ()), (None, {"fields": ["telepon"]}))
