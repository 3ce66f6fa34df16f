from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from posyandu.core.periods import current_month
from posyandu.laporan.build import rebuild
from posyandu.laporan.management.arguments import checked_period


class Command(BaseCommand):
    help = (
        "Rebuild the monthly aggregates (RekapBulanan), the coverage / SPM rows "
        "(RekapLayanan) of the years the months touch, and what other apps derive from them "
        "(e.g. Posyandu strata). Run monthly (cron, 1st of the month) so the new month has "
        "rows for every Posyandu before any measurement arrives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wilayah", default="", help="region code (default: all)")
        parser.add_argument("--from", dest="start", help="YYYY-MM (default: 12 months back)")
        parser.add_argument("--to", dest="end", help="YYYY-MM (default: this month)")

    def handle(self, *args: Any, **opts: Any) -> None:
        end = checked_period(opts["end"]) if opts["end"] else current_month()
        start = checked_period(opts["start"]) if opts["start"] else end - 11
        written = rebuild(prefix=opts["wilayah"], start=start, end=end)
        self.stdout.write(", ".join(f"{n} baris {name}" for name, n in written.items()))
