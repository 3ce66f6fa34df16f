"""`satusehat export|push|queue|ids`: the SATUSEHAT exchange from the command line.

satusehat export --wilayah 14.71 --from 2026-07 --to 2026-09 --out DIR [--user NAME]
satusehat push [--once] [--limit N] [--interval S]     (the worker; run by the scheduler)
satusehat queue --wilayah CODE --from YYYY-MM --to YYYY-MM   (queue past records once)
satusehat ids --facility posyandu:12 --organization ID [--location ID]
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.audit.recorder import log
from posyandu.core.periods import first_day, last_day
from posyandu.fasilitas.models import Posyandu, Puskesmas, Pustu
from posyandu.laporan.management import arguments
from posyandu.satusehat import export, ids, outbox, push

IDENTITIES_REFUSED = "Akun {user} tidak boleh melihat data perorangan di {kode}."
FACILITIES = {"puskesmas": Puskesmas, "pustu": Pustu, "posyandu": Posyandu}


class Command(BaseCommand):
    help = "SATUSEHAT FHIR exchange: offline export, the outbox worker, facility ids."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ex = sub.add_parser("export", help="one Bundle JSON per encounter, no network")
        arguments.add_arguments(ex, period_range=True, formats=("json",), out_required=True)
        pu = sub.add_parser("push", help="send the outbox to SATUSEHAT")
        pu.add_argument("--once", action="store_true", help="one pass, then stop")
        pu.add_argument("--limit", type=int, default=500, help="items per pass")
        pu.add_argument("--interval", type=float, default=60.0, help="seconds between passes")
        qu = sub.add_parser("queue", help="queue the records of a region and months once")
        arguments.add_arguments(qu, period_range=True)
        idp = sub.add_parser("ids", help="set or list SATUSEHAT ids of facilities")
        idp.add_argument("--facility", help="puskesmas:ID, pustu:ID or posyandu:ID")
        idp.add_argument("--organization", default="", help="Organization id")
        idp.add_argument("--location", default="", help="Location id")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _export(self, opts: dict[str, Any]) -> None:
        checked = arguments.read_arguments(self, opts, kind="personal", refusal=IDENTITIES_REFUSED)
        report = export.export(
            user=checked.user, kode=checked.kode, start=checked.start, end=checked.end,
            out=Path(opts["out"]),
        )  # fmt: skip
        checked.log_export(
            "satusehat.Bundle",
            **{"from": opts["start"], "to": opts["end"], "bundles": report.bundles,
               "unmapped": len(report.unmapped), "invalid": report.invalid},
        )  # fmt: skip
        self.stderr.write(
            f"{report.bundles} bundle ditulis ke {opts['out']} ({report.invalid} tidak valid, "
            f"{len(report.unmapped)} tidak dapat dipetakan); "
            f"{report.per_second:.1f} bundle/detik dalam {report.seconds:.1f} detik"
        )
        for line in report.errors[:20]:
            self.stderr.write(line)

    def _push(self, opts: dict[str, Any]) -> None:
        while True:
            result = push.push_once(limit=opts["limit"])
            self.stderr.write(result.summary())
            if opts["once"]:
                return
            time.sleep(opts["interval"])

    def _queue(self, opts: dict[str, Any]) -> None:
        checked = arguments.read_arguments(self, opts, kind="personal", refusal=IDENTITIES_REFUSED)
        count = outbox.queue_region(
            user=checked.user, kode=checked.kode,
            first=first_day(checked.start), last=last_day(checked.end),
        )  # fmt: skip
        self.stderr.write(f"{count} kiriman masuk antrean.")

    def _ids(self, opts: dict[str, Any]) -> None:
        if not opts["facility"]:
            for row in ids.IdSatusehat.objects.filter(
                resource__in=(ids.ORGANIZATION, ids.LOCATION)
            ).order_by("lokal", "resource"):
                self.stdout.write(f"{row.lokal}\t{row.resource}\t{row.remote}")
            return
        kind, _, pk = opts["facility"].partition(":")
        model = FACILITIES.get(kind)
        if model is None or not pk.isdigit():
            raise CommandError("--facility harus puskesmas:ID, pustu:ID atau posyandu:ID.")
        facility = model.objects.filter(pk=int(pk)).first()
        if facility is None:
            raise CommandError(f"Fasilitas {opts['facility']} tidak ada.")
        if opts["organization"]:
            ids.store(ids.ORGANIZATION, ids.facility_key(facility), opts["organization"])
        if opts["location"]:
            ids.store(ids.LOCATION, ids.facility_key(facility), opts["location"])
        key = ids.facility_key(facility)
        log("update", model="satusehat.IdSatusehat", object_id=key, metadata={"via": "command"})
        again = outbox.requeue_unmapped()
        self.stderr.write(f"Id SATUSEHAT {facility} disimpan; {again} kiriman dicoba lagi.")
