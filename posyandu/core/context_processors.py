from typing import Any

from django.conf import settings
from django.http import HttpRequest

from posyandu.accounts.navigation import menu_for


def platform(request: HttpRequest) -> dict[str, Any]:
    """Names the UI shows everywhere, and the menu of the signed-in user's roles."""
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "POKJANAL_NAME": settings.POKJANAL_DISPLAY_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": menu_for(request.user) if request.user.is_authenticated else [],
    }
