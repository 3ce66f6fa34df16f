"""Which derived data follows which record: the registry of posyandu.core.derived."""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from posyandu.core import derived

# keys: the function (beside the handler) naming what a change touches
HEADER = ("source record", "derived data", "keys", "handler", "rebuild")


def dotted(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def rebuild_text(d: derived.Derivation) -> str:
    return f"manage.py {d.rebuild_command}" if d.rebuild_command else d.rebuild


def rows() -> list[tuple[str, str, str, str, str]]:
    """One row per registration, grouped by source; handlers of one save run top to bottom
    in the order of `derived.registry()` (the order shown within each source)."""
    registry = derived.registry()
    return [
        (d.source_label, d.name, d.keys.__qualname__, dotted(d.handler), rebuild_text(d))
        for d in sorted(registry, key=lambda d: (d.source_label, registry.index(d)))
    ]


class Command(BaseCommand):
    help = "List the derived data kept current on save: source -> derived, handler, rebuild."

    def handle(self, *args: Any, **options: Any) -> None:
        table = [HEADER, *rows()]
        widths = [max(len(row[i]) for row in table) for i in range(len(HEADER) - 1)]
        for row in table:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]))
        self.stdout.write("")
        self.stdout.write("Why and what is guaranteed: docs/adr/0005-derived-data.md")
