"""Admin base classes shared by the apps (no models of core are registered here)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadMostlyAdmin(admin.ModelAdmin):
    """Read-mostly admin: look-ups for support; records are made through the services, and
    any change made here is still saved through Record.save (audited, versioned)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
