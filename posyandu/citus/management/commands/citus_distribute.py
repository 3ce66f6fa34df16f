"""Run after `migrate`: on a Citus coordinator, make the tables reference, distributed or
coordinator-local tables as posyandu/citus/rules/distribution.json says (docs/scaling.md).
Idempotent; on SQLite and plain PostgreSQL it says so and does nothing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.citus import distribution


class Command(BaseCommand):
    help = "On a Citus coordinator: create the reference and distributed tables (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="exit 1 when the cluster does not match the plan yet, change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not distribution.citus_available():
            self.stdout.write("No citus extension in this database: nothing to distribute.")
            return
        plan = distribution.load_plan()
        if options["check"]:
            todo = distribution.pending(plan)
            for line in todo:
                self.stdout.write(f"pending: {line}")
            if todo:
                raise CommandError(f"{len(todo)} tables not placed as planned")
            self.stdout.write("Every table is placed as planned.")
            return
        try:
            done = distribution.apply(plan, say=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not done:
            self.stdout.write("Every table is already placed as planned.")
