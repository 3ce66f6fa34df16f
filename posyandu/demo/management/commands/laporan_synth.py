from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from posyandu.core.periods import current_month
from posyandu.demo.synth import generate
from posyandu.laporan.management.arguments import checked_period


class Command(BaseCommand):
    help = "Synthetic balita and 12 months of measurements for a province (benchmark only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provinsi", default="14")
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = realistic volume")
        parser.add_argument("--end", help="last month YYYY-MM (default: this month)")
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args: Any, **opts: Any) -> None:
        end = checked_period(opts["end"]) if opts["end"] else current_month()
        counts = generate(opts["provinsi"], end, opts["months"], opts["scale"])
        self.stdout.write(str(counts))
