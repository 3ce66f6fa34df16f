from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Names the UI shows everywhere (the menu comes from accounts.context_processors)."""
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "POKJANAL_NAME": settings.POKJANAL_DISPLAY_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
    }
