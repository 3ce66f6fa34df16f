"""`export_measurements --wilayah CODE --from YYYY-MM --to YYYY-MM --out FILE --user U`."""

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.accounts.scope import scope_for
from posyandu.audit.recorder import log
from posyandu.laporan.exports import tables
from posyandu.laporan.exports.measurements import COLUMNS, export_rows
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
        "One CSV row per child measurement (the rows SKDN and nutrition are counted from). "
        "Identities need personal access to the whole region; otherwise use --pseudonymize."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wilayah", required=True)
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True)
        parser.add_argument(
            "--user",
            help=USER_HELP,
        )
        parser.add_argument("--pseudonymize", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = command_user(opts["user"])
        if isinstance(user, ServerOperator):
            self.stderr.write(OPERATOR_NOTE)
        pseudo = opts["pseudonymize"]
        start, end = checked_period(opts["start"]), checked_period(opts["end"])
        if end < start:
            raise CommandError("--to harus sama dengan atau setelah --from.")
        if not pseudo and not scope_for(user).personal.covers_region(opts["wilayah"]):
            raise CommandError(
                f"Akun {user.username} tidak boleh melihat identitas di {opts['wilayah']}; "
                "gunakan --pseudonymize."
            )
        kode = checked_region(user, opts["wilayah"], "personal" if not pseudo else "aggregate")
        count = 0
        with open(opts["out"], "w", newline="", encoding="utf-8") as out:

            def counted() -> Iterator[list[str]]:
                nonlocal count
                for row in export_rows(
                    user=user, kode=kode, start=start, end=end, pseudonymize=pseudo
                ):
                    count += 1
                    yield row

            tables.write_csv(out, COLUMNS, counted())
        log(
            "export",
            model="sesi.Pengukuran",
            wilayah_kode=kode,
            user=user,
            metadata={
                "from": opts["start"],
                "to": opts["end"],
                "rows": count,
                "pseudonymized": pseudo,
                "via": "command",
            },
        )
        self.stderr.write(f"{count} baris ditulis ke {opts['out']}")
