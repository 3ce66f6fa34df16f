"""Hooks through which apps above laporan (e.g. pokjanal) add to it without laporan importing
them: panels on the Posyandu dashboard, and steps of the monthly rebuild."""

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class RebuildStep:
    """Derived data another app computes from the report tables, rebuilt by `laporan_rebuild`
    after them: `run(prefix, month)` rewrites one month under a region prefix, returns rows."""

    name: str  # what the command prints, e.g. "strata"
    run: Callable[[str, int], int]


_steps: list[RebuildStep] = []


def register_rebuild_step(name: str, run: Callable[[str, int], int]) -> RebuildStep:
    """Add a step (one per name: registering a name again replaces its step)."""
    step = RebuildStep(name, run)
    _steps[:] = [s for s in _steps if s.name != name] + [step]
    return step


def rebuild_steps() -> list[RebuildStep]:
    return list(_steps)
