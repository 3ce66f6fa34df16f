from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "posyandu.accounts"
    label = "accounts"
    verbose_name = _("Users and access")

    def ready(self) -> None:
        # Importing the module connects its signal receivers (login, logout, assignments).
        from posyandu.accounts import auth_events  # noqa: F401
