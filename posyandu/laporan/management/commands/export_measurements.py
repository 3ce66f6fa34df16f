"""`export_measurements --wilayah CODE --from YYYY-MM --to YYYY-MM --out FILE --user U`."""

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from posyandu.laporan.exports.measurements import COLUMNS, PSEUDO_COLUMNS, export_rows
from posyandu.laporan.management import arguments

IDENTITIES_REFUSED = (
    "Akun {user} tidak boleh melihat data perorangan di {kode} (juga yang dipseudonimkan); "
    "gunakan perintah report untuk angka agregat."
)


class Command(BaseCommand):
    help = (
        "One CSV row per child measurement (the rows SKDN and nutrition are counted from). "
        "Needs personal access to the whole region, also with --pseudonymize (a random key per "
        "export, age in months and month of measurement only, no public id)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        arguments.add_arguments(parser, period_range=True, out_required=True)
        parser.add_argument("--pseudonymize", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        pseudo = opts["pseudonymize"]
        checked = arguments.read_arguments(
            self,
            opts,
            kind="personal",
            refusal=IDENTITIES_REFUSED,
        )
        count = 0

        def counted() -> Iterator[list[str]]:
            nonlocal count
            for row in export_rows(
                user=checked.user,
                kode=checked.kode,
                start=checked.start,
                end=checked.end,
                pseudonymize=pseudo,
            ):
                count += 1
                yield row

        columns = PSEUDO_COLUMNS if pseudo else COLUMNS
        arguments.write_table(self, checked, "measurements", columns, counted())
        checked.log_export(
            "sesi.Pengukuran",
            **{"from": opts["start"], "to": opts["end"], "rows": count, "pseudonymized": pseudo},
        )
        self.stderr.write(f"{count} baris ditulis ke {opts['out']}")
