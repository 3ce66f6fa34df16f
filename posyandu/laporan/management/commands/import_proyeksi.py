"""`import_proyeksi FILE --tahun YYYY --sumber "Dinkes ..." --versi V [--user USERNAME]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.laporan import proyeksi
from posyandu.laporan.management import arguments


class Command(BaseCommand):
    help = (
        "Import the yearly target populations (sasaran proyeksi: bayi, balita, ibu_hamil, "
        "ibu_bersalin, usia_produktif, usia_lanjut) per desa or kecamatan from the Dinkes "
        "xlsx/CSV (layout: posyandu/laporan/proyeksi.py). Rejected rows are listed with their "
        "line and reason; the other rows are imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx or CSV file")
        parser.add_argument("--tahun", type=int, required=True, help="year, e.g. 2026")
        parser.add_argument("--sumber", required=True, help="source, e.g. “Dinkes Kota ...”")
        parser.add_argument("--versi", required=True, help="the source's version or date")
        parser.add_argument("--user", help=arguments.USER_HELP)

    def handle(self, *args: Any, **opts: Any) -> None:
        user = arguments.command_user(opts["user"])
        if isinstance(user, arguments.ServerOperator):
            self.stderr.write(arguments.OPERATOR_NOTE)
        elif not proyeksi.may_import(user):
            raise CommandError(f"Akun {user.username} tidak boleh mengimpor sasaran proyeksi.")
        if not 2000 <= opts["tahun"] <= 2100:
            raise CommandError(f"Tahun tidak valid: {opts['tahun']}.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada: {path}")
        result = proyeksi.proyeksi_import(
            content=path.read_bytes(),
            filename=path.name,
            tahun=opts["tahun"],
            nama=opts["sumber"],
            versi=opts["versi"],
            by=user,
        )
        for line, reason in result.rejected:
            self.stderr.write(f"Baris {line}: {reason}")
        if result.sumber is None:
            raise CommandError("Tidak ada baris yang dapat diimpor.")
        self.stdout.write(
            f"{result.accepted} baris diterima ({result.values} nilai), "
            f"{len(result.rejected)} baris ditolak; sumber #{result.sumber.pk} "
            f"{result.sumber.nama} {result.sumber.versi}."
        )
