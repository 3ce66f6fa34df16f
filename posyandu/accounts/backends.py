from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PlatformBackend(ModelBackend):
    """Django's backend, except that demo accounts exist only in demo mode."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)
