"""`retensi [--apply] [--years N]`: the retention rule for people who moved away or died.

A person whose status (pindah / meninggal) dates back more than RETENTION_YEARS_AFTER_LEAVING
years (setting, default 10) loses what identifies them (sasaran.services.sasaran_anonymize);
the counts of past reports stay. Without --apply the command only lists how many are due.
Run it monthly from cron (docs/privacy.md)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from posyandu.audit.context import Actor, acting_as
from posyandu.sasaran.services import retention_due, sasaran_anonymize


class Command(BaseCommand):
    help = "Anonymize people who moved away or died longer ago than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="anonymize (default: count)")
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help="years after moving away or death (default: RETENTION_YEARS_AFTER_LEAVING)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        years = opts["years"] or settings.RETENTION_YEARS_AFTER_LEAVING
        due = retention_due(years=years)
        count = due.count()
        if not opts["apply"]:
            self.stdout.write(f"{count} orang melewati masa retensi {years} tahun (uji; --apply).")
            return
        with acting_as(Actor(via="command:retensi")):
            for person in due.iterator():
                sasaran_anonymize(sasaran=person, reason=f"retensi {years} tahun")
        self.stdout.write(f"{count} orang dianonimkan (masa retensi {years} tahun).")
