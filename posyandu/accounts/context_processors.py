from typing import Any

from django.http import HttpRequest

from posyandu.accounts.navigation import NavItem, menu_for


def menu(request: HttpRequest) -> dict[str, list[NavItem]]:
    """The menu of the signed-in user's roles, on every page."""
    user: Any = request.user
    return {"nav_items": menu_for(user) if user.is_authenticated else []}
