"""`import_balita FILE --posyandu UUID|--puskesmas UUID [--layout NAME] [--dry-run] [--user U]
[--rejected FILE]`: import a workbook of balita and their measurements (e-PPGBM, Excel, CSV)."""

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.audit.context import Actor, acting_as
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.laporan.management.arguments import USER_HELP, ServerOperator, command_user
from posyandu.pertukaran.files import rejected_file
from posyandu.pertukaran.layouts import LayoutError, layouts
from posyandu.pertukaran.reader import UnreadableFile
from posyandu.pertukaran.services import ImportRefused, Report, import_file, target_for

LABELS = {
    "baris": "baris data",
    "sasaran_baru": "sasaran baru",
    "sasaran_cocok": "sasaran cocok (sudah terdaftar)",
    "sasaran_diperbarui": "sasaran diperbarui",
    "pengukuran_baru": "pengukuran baru",
    "pengukuran_sama": "pengukuran sudah ada (dilewati)",
    "ditolak": "baris ditolak",
    "peringatan": "peringatan",
}


def _by_uuid(model: Any, value: str, label: str) -> Any:
    try:
        return model.objects.get(public_id=value)
    except (model.DoesNotExist, ValueError, ValidationError):
        raise CommandError(f"{label} {value!r} tidak ditemukan.") from None


class Command(BaseCommand):
    help = "Impor balita dan pengukurannya dari berkas e-PPGBM / Excel (.xlsx, .xls) / CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--posyandu", help="public id (UUID) of the Posyandu")
        where.add_argument(
            "--puskesmas", help="public id (UUID) of the Puskesmas: rows name their Posyandu"
        )
        parser.add_argument("--layout", choices=sorted(layouts()), help="default: detected")
        parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        parser.add_argument("--user", help=USER_HELP)
        parser.add_argument("--rejected", help="write the rejected rows to this .xlsx/.csv file")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = command_user(opts["user"])
        if isinstance(user, ServerOperator):
            self.stderr.write(
                "Tanpa --user: dijalankan sebagai operator server; tercatat di audit."
            )
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        posyandu = _by_uuid(Posyandu, opts["posyandu"], "Posyandu") if opts["posyandu"] else None
        puskesmas = (
            _by_uuid(Puskesmas, opts["puskesmas"], "Puskesmas") if opts["puskesmas"] else None
        )
        started = time.perf_counter()
        actor = Actor(user=user if getattr(user, "pk", None) else None, via="command:import_balita")
        with acting_as(actor):
            try:
                target = target_for(user, posyandu=posyandu, puskesmas=puskesmas)
                report, batch = import_file(
                    content=path.read_bytes(),
                    filename=path.name,
                    target=target,
                    by=user,
                    layout=opts["layout"],
                    dry_run=opts["dry_run"],
                )
            except (ImportRefused, LayoutError, UnreadableFile, ValueError) as error:
                raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self._print(report, dry_run=opts["dry_run"], elapsed=elapsed)
        if batch is not None:
            self.stdout.write(f"Impor {batch.public_id} tersimpan.")
        if opts["rejected"] and report.rejected:
            out = Path(opts["rejected"])
            out.write_bytes(rejected_file(report.rejected, report.headers, out.suffix.lstrip(".")))
            self.stdout.write(f"Baris ditolak ditulis ke {out}")

    def _print(self, report: Report, *, dry_run: bool, elapsed: float) -> None:
        title = "UJI COBA (tidak ada yang disimpan)" if dry_run else "Impor selesai"
        self.stdout.write(f"{title}: tata letak {report.layout} ({', '.join(report.sheets)})")
        for key, label in LABELS.items():
            self.stdout.write(f"  {label}: {report.counts.get(key, 0)}")
        for r in report.rejected:
            self.stdout.write(f"  DITOLAK lembar {r.sheet} baris {r.row}: {r.reason}")
        for w in report.warnings:
            self.stdout.write(f"  PERINGATAN lembar {w.sheet} baris {w.row}: {w.reason}")
        self.stdout.write(f"Waktu: {elapsed:.1f} s")
