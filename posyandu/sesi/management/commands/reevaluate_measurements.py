"""Rebuild of the stored growth results: evaluate every measurement again from its inputs.

The same work the derived-data handler does for one person after a late weighing or a
corrected birth date, for everyone (or a region): after a growth-engine or rule update, or to
check that nothing drifted. Reports and tasks that read the results follow within each batch.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from posyandu.audit.context import Actor, acting_as
from posyandu.core import derived
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.growth import measurements_reevaluate
from posyandu.wilayah.models import in_region

BATCH = 200  # people per transaction


class Command(BaseCommand):
    help = "Evaluate every stored measurement again (z-scores, categories, N/T/O/B, flags)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wilayah", default="", help="region code (default: all)")

    def handle(self, *args: Any, **opts: Any) -> None:
        people = Sasaran.all_objects.filter(pengukuran__isnull=False).distinct().order_by("pk")
        if opts["wilayah"]:
            people = people.filter(in_region("desa__kode", opts["wilayah"]))
        ids = list(people.values_list("pk", flat=True))
        changed = 0
        with acting_as(Actor(via="command:reevaluate_measurements")):
            for i in range(0, len(ids), BATCH):
                with transaction.atomic(), derived.batch():
                    for person in Sasaran.all_objects.filter(pk__in=ids[i : i + BATCH]):
                        changed += measurements_reevaluate(person)
        self.stdout.write(f"{len(ids)} people, {changed} measurements changed")
