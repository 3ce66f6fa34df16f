"""Hooks through which apps above laporan (e.g. pokjanal) add to it without laporan importing
them: panels on the Posyandu dashboard, steps of the monthly rebuild, and layers of the
dashboards' map (e.g. Posyandu strata)."""

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


@dataclass(frozen=True)
class MapValue:
    """One unit of a map layer: its colour class (a key of the layer's legend, "" = no
    value) and its value as shown on hover and in the table."""

    rating: str
    text: str


@dataclass(frozen=True)
class MapLayer:
    """A choice of the dashboards' map that an app above laporan computes (e.g. Posyandu
    strata from pokjanal). `values(kode, month, unit_codes)` gives, for the units directly
    below region `kode`, a MapValue per unit code it has data for; `legend` is
    (colour class, label, fill colour) in the order shown."""

    code: str
    name: Callable[[], str]  # what the choice reads, in the active language
    legend: Callable[[], list[tuple[str, str, str]]]
    values: Callable[[str, int, list[str]], dict[str, MapValue]]


_map_layers: dict[str, MapLayer] = {}


def register_map_layer(layer: MapLayer) -> MapLayer:
    """Add a map layer (one per code: registering a code again replaces it)."""
    _map_layers[layer.code] = layer
    return layer


def map_layer(code: str) -> MapLayer | None:
    return _map_layers.get(code)


def map_layers() -> list[MapLayer]:
    return list(_map_layers.values())
