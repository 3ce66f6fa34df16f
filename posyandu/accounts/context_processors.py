from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from posyandu.accounts.navigation import menu_for


def menu(request: HttpRequest) -> dict[str, Any]:
    """The menu of the signed-in user's roles, on every page. Built when a template shows it:
    each panel of a page is rendered in its own request context, and none shows the menu."""
    user: Any = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: menu_for(user))}
