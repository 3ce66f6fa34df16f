"""Enqueue the calendar jobs for the worker: run by the timers of deploy/systemd."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from posyandu.core.jobs import periodic, recover_stalled


class Command(BaseCommand):
    help = "Enqueue the often, nightly or monthly jobs the apps registered (posyandu/core/jobs.py)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("when", choices=["often", "nightly", "monthly", "list"])

    def handle(self, *args: Any, when: str, **options: Any) -> None:
        if when == "list":
            for p in periodic():
                self.stdout.write(f"{p.when:8} {p.name:28} {p.job.module_path}")
            return
        for again in recover_stalled():
            self.stdout.write(f"stalled job run again: {again.task_path} ({again.id})")
        jobs = periodic(when)  # type: ignore[arg-type]
        if not jobs:
            raise CommandError(f"No {when} jobs are registered.")
        for p in jobs:
            result = p.job.enqueue()
            self.stdout.write(f"enqueued {p.name} ({result.id})")
