"""Put a backup back: every table of the database is replaced by the backup's."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "Restore the database from a file written by `manage.py backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: the current data is replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        name = connection.settings_dict["NAME"]
        if not options["yes"]:
            answer = input(f"Replace every record of {name} with {source.name}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes", "ya"}:
                raise CommandError("Nothing restored.")
        try:
            restore_database(connection, source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        log(
            AuditEvent.Action.IMPORT,
            model="database",
            metadata={"kind": "restore", "file": source.name},
        )
        self.stdout.write(f"Restored {name} from {source}")
