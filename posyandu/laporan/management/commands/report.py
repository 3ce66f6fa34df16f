"""`report skdn|gizi|cakupan --wilayah CODE --period YYYY-MM --format csv|xlsx --user USERNAME`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from posyandu.accounts.scope import scope_for
from posyandu.laporan.build.rekap_bulanan import rekap_ensure
from posyandu.laporan.exports import tables
from posyandu.laporan.management import arguments


class Command(BaseCommand):
    help = (
        "SKDN or nutrition (gizi) table of the units directly below a region (Posyandu below "
        "a desa) plus a total row, from the monthly aggregates; restricted to the user's regions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["skdn", "gizi", "cakupan"])
        arguments.add_arguments(parser, formats=("csv", "xlsx"))

    def handle(self, *args: Any, **opts: Any) -> None:
        checked = arguments.read_arguments(self, opts)
        kode, month = checked.kode, checked.start
        rekap_ensure(kode=kode, months=[month])  # data teams get complete figures, always
        personal = scope_for(checked.user).personal.covers_region(kode)
        columns, rows = tables.report_table(
            opts["kind"], kode=kode, month=month, small_counts_hidden=not personal
        )
        arguments.write_table(self, checked, opts["kind"], columns, rows)
        checked.log_export(f"laporan.{opts['kind']}", period=opts["period"], format=opts["format"])
