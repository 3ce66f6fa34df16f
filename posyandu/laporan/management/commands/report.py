"""`report skdn|gizi --wilayah CODE --period YYYY-MM --format csv|xlsx --user USERNAME`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.audit.recorder import log
from posyandu.laporan.build.rekap_bulanan import rekap_ensure
from posyandu.laporan.exports import tables
from posyandu.laporan.management.arguments import (
    OPERATOR_NOTE,
    USER_HELP,
    ServerOperator,
    checked_period,
    checked_region,
    command_user,
)


class Command(BaseCommand):
    help = (
        "SKDN or nutrition (gizi) table of the units directly below a region (Posyandu below "
        "a desa) plus a total row, from the monthly aggregates; restricted to the user's regions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["skdn", "gizi", "cakupan"])
        parser.add_argument("--wilayah", required=True, help="region code, e.g. 14.71.01")
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--out", help="file to write (default: standard output; csv only)")
        parser.add_argument(
            "--user",
            help=USER_HELP,
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        user = command_user(opts["user"])
        if isinstance(user, ServerOperator):
            self.stderr.write(OPERATOR_NOTE)
        kode = checked_region(user, opts["wilayah"])
        month = checked_period(opts["period"])
        rekap_ensure(kode=kode, months=[month])  # data teams get complete figures, always
        columns, rows = tables.report_table(opts["kind"], kode=kode, month=month)
        if opts["format"] == "xlsx":
            if not opts["out"]:
                raise CommandError("Format xlsx perlu --out FILE.")
            with open(opts["out"], "wb") as out:
                out.write(tables.xlsx_bytes({opts["kind"]: (columns, rows)}))
        elif opts["out"]:
            with open(opts["out"], "w", newline="", encoding="utf-8") as out:
                tables.write_csv(out, columns, rows)
        else:
            tables.write_csv(self.stdout, columns, rows)
        log(
            "export",
            model=f"laporan.{opts['kind']}",
            wilayah_kode=kode,
            user=user,
            metadata={"period": opts["period"], "format": opts["format"], "via": "command"},
        )
