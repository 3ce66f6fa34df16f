import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.audit.context import Actor, acting_as
from posyandu.audit.recorder import log
from posyandu.wilayah.importer import import_wilayah


class Command(BaseCommand):
    help = "Load the Kemendagri region codes (kode,nama CSV). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=settings.WILAYAH_CSV)
        parser.add_argument(
            "--retire-missing",
            action="store_true",
            help="Mark regions that are no longer in the file as inactive (after a pemekaran).",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.exists():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        started = time.perf_counter()
        try:
            with acting_as(Actor(via="command:import_wilayah")):
                report = import_wilayah(path, retire_missing=bool(options["retire_missing"]))
                log(
                    "import",
                    model="wilayah.Wilayah",
                    metadata={
                        "file": path.name,
                        "added": report.added,
                        "changed": report.changed,
                        "retired": report.retired,
                        "rejected": len(report.errors),
                    },
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(f"ditolak: {error}")
        self.stdout.write(
            f"wilayah: {report.added} ditambah, {report.changed} diubah, "
            f"{report.unchanged} tetap, {report.retired} dinonaktifkan, "
            f"{len(report.errors)} ditolak ({time.perf_counter() - started:.1f} s)"
        )
