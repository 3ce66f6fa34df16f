"""Panels other apps add to the Posyandu dashboard (e.g. strata and kader from pokjanal)."""

from collections.abc import Callable
from typing import Any

PanelProvider = Callable[[Any, Any, int], list[Any]]  # (request, posyandu, month) -> Panels
_providers: list[PanelProvider] = []


def register_posyandu_panels(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def posyandu_panels(request: Any, posyandu: Any, month: int) -> list[Any]:
    panels = [p for provider in _providers for p in provider(request, posyandu, month)]
    return sorted(panels, key=lambda p: (p.order, p.key))
