"""Shared parts of the data-team commands: who runs them and what they may see."""

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.accounts.scope import Access, Kind, Scope, scope_for
from posyandu.audit.recorder import log
from posyandu.core import tabular
from posyandu.core.periods import parse_period
from posyandu.laporan.exports import tables
from posyandu.wilayah.codes import level_of


class ServerOperator:
    """Whoever runs a command on the server without naming an account.

    A shell on the server is access to the whole database already, so the command does not
    pretend to restrict them; it says so and leaves an audit event. Data teams name their
    account (--user or POSYANDU_USER) to get exactly what the UI shows that account.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    username = "server-operator"

    def __init__(self) -> None:
        everything = Access(everything=True)
        self._scope_cache = Scope(personal=everything, aggregate=everything,
                                  roles=frozenset({"admin"}))  # fmt: skip

    def get_username(self) -> str:
        return self.username


USER_HELP = (
    "your username: the output covers only its scope (default: POSYANDU_USER, else the server "
    "operator, who sees everything)"
)
OPERATOR_NOTE = (
    "Tanpa --user: dijalankan sebagai operator server (seluruh wilayah); tercatat di audit. "
    "Sebutkan akun dengan --user USERNAME agar data sesuai wilayah akun itu."
)


def command_user(username: str | None) -> Any:
    """The account the command runs as (--user, else POSYANDU_USER), or the server operator."""
    username = username or os.environ.get("POSYANDU_USER", "")
    if not username:
        return ServerOperator()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Akun {username!r} tidak ada atau tidak aktif.")
    return user


REFUSAL = "Wilayah {kode} di luar wilayah akun {user}."


def checked_region(user: Any, kode: str, kind: Kind = "aggregate", refusal: str = REFUSAL) -> str:
    """A valid region code the account may see (`refusal`: the message when it may not,
    with {kode} and {user})."""
    try:
        level_of(kode)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if not scope_for(user).access(kind).covers_region(kode):
        raise CommandError(refusal.format(kode=kode, user=user.username))
    return kode


def checked_period(text: str) -> int:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


# --- The arguments every data-team command takes: region, period(s), account, output -------


def add_arguments(
    parser: CommandParser,
    *,
    period_range: bool = False,
    formats: Sequence[str] = ("csv",),
    out_required: bool = False,
) -> None:
    """--wilayah, --period (or --from/--to), --user, --format and --out."""
    parser.add_argument("--wilayah", required=True, help="region code, e.g. 14.71.01")
    if period_range:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM")
    else:
        parser.add_argument("--period", required=True, help="YYYY-MM")
    parser.add_argument("--user", help=USER_HELP)
    parser.add_argument("--format", choices=formats, default=formats[0])
    out_help = "file to write" if out_required else "file to write (default: standard output)"
    parser.add_argument("--out", required=out_required, help=out_help)


@dataclass(frozen=True)
class Arguments:
    """What `add_arguments` asked for, checked: the account, its region, the months."""

    user: Any
    kode: str
    start: int
    end: int  # == start for --period
    opts: dict[str, Any]

    def log_export(self, model: str, **metadata: Any) -> None:
        """The audit event of every command export."""
        log(
            "export",
            model=model,
            wilayah_kode=self.kode,
            user=self.user,
            metadata={**metadata, "via": "command"},
        )


def read_arguments(
    command: BaseCommand,
    opts: dict[str, Any],
    *,
    kind: Kind = "aggregate",
    refusal: str = REFUSAL,
) -> Arguments:
    """Check the arguments of `add_arguments`: the account (telling the server operator what
    running without one means), the period(s), and a region the account may see as `kind`."""
    user = command_user(opts["user"])
    if isinstance(user, ServerOperator):
        command.stderr.write(OPERATOR_NOTE)
    if "period" in opts:
        start = end = checked_period(opts["period"])
    else:
        start, end = checked_period(opts["start"]), checked_period(opts["end"])
        if end < start:
            raise CommandError("--to harus sama dengan atau setelah --from.")
    kode = checked_region(user, opts["wilayah"], kind, refusal)
    return Arguments(user, kode, start, end, opts)


def write_table(
    command: BaseCommand,
    args: Arguments,
    sheet: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """The table as --format asks, into --out (csv may go to standard output)."""
    out = args.opts["out"]
    if args.opts["format"] == "xlsx":
        if not out:
            raise CommandError("Format xlsx perlu --out FILE.")
        with open(out, "wb") as f:
            f.write(tabular.xlsx_bytes([tabular.Sheet(sheet, columns, rows)]))
    elif out:
        with open(out, "w", newline="", encoding="utf-8") as f:
            tables.write_csv(f, columns, rows)
    else:
        tables.write_csv(command.stdout, columns, rows)
