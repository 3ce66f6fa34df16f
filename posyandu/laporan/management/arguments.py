"""Shared parts of the data-team commands: who runs them and what they may see."""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from posyandu.accounts.scope import Access, Kind, Scope, scope_for
from posyandu.core.periods import parse_period
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


def checked_region(user: Any, kode: str, kind: Kind = "aggregate") -> str:
    try:
        level_of(kode)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if not scope_for(user).access(kind).covers_region(kode):
        raise CommandError(f"Wilayah {kode} di luar wilayah akun {user.username}.")
    return kode


def checked_period(text: str) -> int:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
