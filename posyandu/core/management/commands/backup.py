"""A consistent copy of the whole database, while the system runs (docs/deploy.md: schedule)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.core.backup import BackupError, backup_database, backup_name, prune


def on_citus() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup, or pg_dump for PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="Directory of the backups (default: BACKUP_DIR, else DATA_DIR/backups).",
        )
        parser.add_argument(
            "--keep", type=int, default=14, help="Keep this many newest backups (0 keeps all)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if on_citus():
            raise CommandError(
                "This database is a Citus coordinator: pg_dump would miss the rows in the "
                "workers' shards. Back up every node (docs/deploy.md, section 8)."
            )
        directory = options["dir"] or Path(settings.BACKUP_DIR)
        vendor = "sqlite" if connection.vendor == "sqlite" else connection.vendor
        target = directory / backup_name(vendor, timezone.now())
        try:
            made = backup_database(connection, target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        log(
            AuditEvent.Action.EXPORT,
            model="database",
            metadata={"kind": "backup", "file": made.path.name, "bytes": made.size},
        )
        removed = prune(directory, made.vendor, options["keep"])
        self.stdout.write(f"{made.path} ({made.size:,} bytes, {made.vendor})")
        for path in removed:
            self.stdout.write(f"removed old backup {path.name}")
