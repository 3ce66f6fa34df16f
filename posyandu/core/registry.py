"""Hooks through which domain apps add to shared screens without importing each other.

The Posyandu day (sesi) and the person page (sasaran) show panels that other apps provide:
immunization, pregnancy care, screenings, tasks. An app registers its providers in its
AppConfig.ready(); the screens call `visit_panels` / `history_panels`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Panel:
    """A section of a page: a template rendered with its own context."""

    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


@dataclass(frozen=True)
class MaternalState:
    pregnant: bool = False
    postpartum: bool = False  # nifas: up to 42 days after delivery


# provider(request, sasaran, on, kunjungan_or_None) -> panels due at this visit
VisitPanelProvider = Callable[[Any, Any, date, Any], list[Panel]]
# provider(request, sasaran) -> sections of the person's history page
HistoryPanelProvider = Callable[[Any, Any], list[Panel]]
# provider(sasaran, on) -> whether the person is pregnant or in nifas on that day
MaternalStateProvider = Callable[[Any, date], MaternalState]

_visit: list[VisitPanelProvider] = []
_history: list[HistoryPanelProvider] = []
_maternal: list[MaternalStateProvider] = []


def register_visit_panels(provider: VisitPanelProvider) -> VisitPanelProvider:
    if provider not in _visit:
        _visit.append(provider)
    return provider


def register_history_panels(provider: HistoryPanelProvider) -> HistoryPanelProvider:
    if provider not in _history:
        _history.append(provider)
    return provider


def register_maternal_state(provider: MaternalStateProvider) -> MaternalStateProvider:
    if provider not in _maternal:
        _maternal.append(provider)
    return provider


def visit_panels(request: Any, sasaran: Any, on: date, kunjungan: Any = None) -> list[Panel]:
    panels = [p for provider in _visit for p in provider(request, sasaran, on, kunjungan)]
    return sorted(panels, key=lambda p: (p.order, p.key))


def history_panels(request: Any, sasaran: Any) -> list[Panel]:
    panels = [p for provider in _history for p in provider(request, sasaran)]
    return sorted(panels, key=lambda p: (p.order, p.key))


def maternal_state(sasaran: Any, on: date) -> MaternalState:
    states = [provider(sasaran, on) for provider in _maternal]
    return MaternalState(
        pregnant=any(s.pregnant for s in states), postpartum=any(s.postpartum for s in states)
    )


# listener(record, created) after any Record of that model is saved or soft-deleted. Used to
# keep derived data current: monthly aggregates (laporan) and follow-up tasks (tugas).
# Listeners run inside the saving transaction, so they must be quick and touch only what
# the record changes.
RecordListener = Callable[[Any, bool], None]
_listeners: dict[str, list[RecordListener]] = {}


def register_record_listener(model_label: str, listener: RecordListener) -> RecordListener:
    """Call `listener` whenever a record of `model_label` (e.g. "sesi.Pengukuran") changes."""
    listeners = _listeners.setdefault(model_label, [])
    if listener not in listeners:
        listeners.append(listener)
    return listener


def record_changed(record: Any, created: bool) -> None:
    for listener in _listeners.get(record._meta.label, []):
        listener(record, created)
