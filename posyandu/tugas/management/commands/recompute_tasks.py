"""Recompute every task from the records (run nightly: tasks start, fall due and expire with
the calendar, not only when a record changes)."""

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from posyandu.audit.context import Actor, acting_as
from posyandu.audit.recorder import log
from posyandu.tugas.engine import recompute


class Command(BaseCommand):
    help = "Recompute all follow-up tasks (tugas) from the records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, today: date | None = None, **options: Any) -> None:
        started = time.perf_counter()
        with acting_as(Actor(via="command:recompute_tasks")):
            result = recompute(today=today)
            log("update", model="tugas.Tugas", metadata={"recompute": vars(result)})
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{result.people} people: created {result.created}, resolved {result.resolved}, "
            f"expired {result.expired}, not applicable {result.not_applicable}, "
            f"open {result.open} ({seconds:.1f} s)"
        )
