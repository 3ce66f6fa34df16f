from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from posyandu.laporan.aggregates import current_month, rekap_rebuild
from posyandu.laporan.cakupan import cakupan_rebuild
from posyandu.laporan.commands import checked_period


class Command(BaseCommand):
    help = (
        "Rebuild the monthly aggregates (RekapBulanan) and the coverage / SPM rows "
        "(RekapLayanan) of the years the months touch. Run monthly (cron, 1st of the month) "
        "so the new month has rows for every Posyandu before any measurement arrives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wilayah", default="", help="region code (default: all)")
        parser.add_argument("--from", dest="start", help="YYYY-MM (default: 12 months back)")
        parser.add_argument("--to", dest="end", help="YYYY-MM (default: this month)")

    def handle(self, *args: Any, **opts: Any) -> None:
        end = checked_period(opts["end"]) if opts["end"] else current_month()
        start = checked_period(opts["start"]) if opts["start"] else end - 11
        rows = rekap_rebuild(prefix=opts["wilayah"], start=start, end=end)
        years = range(start // 12, end // 12 + 1)
        cakupan = cakupan_rebuild(prefix=opts["wilayah"], years=years)
        # Posyandu strata read both tables: compute them last, for every month rebuilt.
        from posyandu.pokjanal.services import strata_compute

        strata = sum(strata_compute(prefix=opts["wilayah"], month=m) for m in range(start, end + 1))
        self.stdout.write(f"{rows} baris rekap, {cakupan} baris cakupan, {strata} baris strata")
