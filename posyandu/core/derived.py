"""Derived data: what other records determine, kept current inside the saving transaction.

Monthly SKDN aggregates, coverage rows, follow-up tasks and stored growth results follow the
records they are computed from. The app that owns the derived data registers, in its
AppConfig.ready(), one `Derivation` per source model:

- `keys(record, created)` names what the change touches (e.g. (Posyandu, month) pairs), read
  while the record still knows its previous values (`record._loaded`);
- `handler(keys)` brings the derived data of those keys up to date;
- `rebuild` is the management command that rebuilds the derived data from scratch: after any
  sequence of saves, the derived data equals what that command writes.

`Record.save()` calls `record_changed()`; the handlers run before the save returns, in the same
transaction, so a failing handler rolls the save back. Keys are collected first and each
handler then runs once with the distinct keys, so work that saves records again (re-evaluating
later measurements) feeds the other handlers instead of running them once per re-save.
`batch()` widens that to a block of saves (a merge, a full re-evaluation).

Why and what is guaranteed: docs/adr/0005-derived-data.md. `manage.py derived_data` lists
the registry.
"""

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# keys(record, created) -> what the change touches; handler(distinct keys) -> None
KeysFn = Callable[[Any, bool], Iterable[Hashable]]
# keys_many(records, created) -> what a change of several records touches, with fewer queries
ManyKeysFn = Callable[[Sequence[Any], bool], Iterable[Hashable]]
Handler = Callable[[set[Any]], None]

# A handler may save records (which adds keys); past this many rounds the handlers feed each
# other in a loop, which is a bug to report rather than to run forever.
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Derivation:
    """One line of the registry: `derived` follows `source` through `keys` and `handler`."""

    derived: str  # model label or name of the derived data, e.g. "laporan.RekapBulanan"
    what: str  # what it holds, e.g. "SKDN monthly aggregates"
    source: type[models.Model]
    keys: KeysFn
    handler: Handler
    # The management command that rebuilds it from scratch, or "none: <why>" for an effect
    # that no rebuild re-derives (a home visit closing tasks: a closed task stays closed).
    rebuild: str
    # The keys of several records saved together (core.models.records_create/_update), for
    # a `keys` that queries per record: what `keys` returns for each of them, in fewer
    # queries (records created together may leave out what they already account for in
    # each other, e.g. measurements evaluated together).
    keys_many: ManyKeysFn | None = None

    def keys_of(self, records: Sequence[Any], created: bool) -> set[Any]:
        if self.keys_many is not None:
            return set(self.keys_many(records, created))
        return {key for record in records for key in self.keys(record, created)}

    @property
    def source_label(self) -> str:
        return self.source._meta.label

    @property
    def name(self) -> str:
        return f"{self.derived} ({self.what})"

    @property
    def rebuild_command(self) -> str | None:
        return None if self.rebuild.startswith("none:") else self.rebuild


_registry: list[Derivation] = []
_state = threading.local()


def _resolve(source: type[models.Model] | str) -> type[models.Model]:
    if isinstance(source, str):
        try:
            model = apps.get_model(source)
        except (LookupError, ValueError) as exc:
            raise ImproperlyConfigured(f"Derived data follows unknown model {source!r}") from exc
    else:
        model = source
    # Only Record.save() reports changes; any other model would silently never update.
    if not getattr(model, "notifies_derived_data", False):
        raise ImproperlyConfigured(
            f"{model._meta.label} is not a core Record: its saves never reach derived data"
        )
    return model


def register(
    *,
    derived: str,
    what: str,
    source: type[models.Model] | str,
    keys: KeysFn,
    handler: Handler,
    rebuild: str,
    keys_many: ManyKeysFn | None = None,
) -> Derivation:
    """Keep `derived` current when a `source` record is saved or soft-deleted.

    Call from AppConfig.ready() of the app owning the derived data (models are loaded then, so
    a misspelt label fails at startup). Handlers run in registration order, i.e. the order of
    INSTALLED_APPS, which follows the layer order: derived data of a lower app (growth results)
    is current before an upper app's handler (aggregates) reads it.
    """
    model = _resolve(source)
    for other in _registry:
        if other.derived == derived and (other.handler, other.rebuild) != (handler, rebuild):
            raise ImproperlyConfigured(f"{derived} is registered with two handlers or rebuilds")
        if other.handler == handler and other.derived != derived:
            raise ImproperlyConfigured(f"{handler.__qualname__} maintains two derived data")
    derivation = Derivation(derived, what, model, keys, handler, rebuild, keys_many)
    if derivation not in _registry:
        _registry.append(derivation)
    return derivation


def unregister(derivation: Derivation) -> None:
    _registry.remove(derivation)


def registry() -> list[Derivation]:
    return list(_registry)


def _pending() -> dict[Handler, set[Any]]:
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = {}
    return pending


def _depth() -> int:
    return getattr(_state, "depth", 0)


def record_changed(record: Any, created: bool) -> None:
    """Called by Record.save() after the row and its audit event are written."""
    records_changed([record], created)


def records_changed(records: Sequence[Any], created: bool) -> None:
    """Called by core.models.records_create/records_update after the rows of one model and
    their audit events are written: the same keys as one `record_changed` per record."""
    if not records:
        return
    label = records[0]._meta.label
    derivations = [d for d in _registry if d.source_label == label]
    if not derivations:
        return
    pending = _pending()
    try:
        for d in derivations:
            touched = d.keys_of(records, created)
            if touched:
                pending.setdefault(d.handler, set()).update(touched)
        if _depth() == 0:
            _flush()
    except BaseException:
        if _depth() == 0:
            pending.clear()
        raise


def _flush() -> None:
    """Run the handlers with pending keys, first registered first, until none is left."""
    pending = _pending()
    order: dict[Handler, int] = {}
    for i, d in enumerate(_registry):
        order.setdefault(d.handler, i)
    _state.depth = _depth() + 1  # saves made by a handler add keys instead of flushing
    try:
        for _ in range(MAX_ROUNDS):
            waiting = [h for h, keys in pending.items() if keys]
            if not waiting:
                pending.clear()
                return
            handler = min(waiting, key=lambda h: order.get(h, len(order)))
            handler(pending.pop(handler))
        raise RuntimeError(f"Derived data did not settle after {MAX_ROUNDS} rounds")
    finally:
        _state.depth -= 1


@contextmanager
def batch() -> Iterator[None]:
    """Collect the keys of every save in the block and run each handler once at its end.

    Use inside the transaction of a unit of work that saves many records (a merge, a full
    re-evaluation); nested batches flush with the outermost one. If the block raises, the
    collected keys are dropped with the rolled-back transaction.
    """
    _state.depth = _depth() + 1
    try:
        yield
    except BaseException:
        _state.depth -= 1
        if _depth() == 0:
            _pending().clear()
        raise
    _state.depth -= 1
    if _depth() == 0:
        try:
            _flush()
        except BaseException:
            _pending().clear()
            raise


def run_now(record: Any, *, derived: str, created: bool = False) -> None:
    """Run the handler of `derived` for this one record at once (benchmarks, repair scripts)."""
    for d in _registry:
        if d.derived == derived and d.source_label == record._meta.label:
            d.handler(set(d.keys(record, created)))
