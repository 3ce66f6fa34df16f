"""`api_token create --user U --name N [--days 90]` (prints the key once), `api_token list`,
`api_token revoke PREFIX`. The account's role assignments are the token's scope."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.accounts.models import ApiToken, User
from posyandu.accounts.tokens import DEFAULT_DAYS, api_token_create, api_token_revoke
from posyandu.audit.context import Actor, acting_as


class Command(BaseCommand):
    help = "Create, list or revoke API tokens of machine clients."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True, help="the account the client acts as")
        create.add_argument("--name", required=True, help="which integration, e.g. dhis2-sync")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS)
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting_as(Actor(via="command:api_token")):
            if opts["action"] == "create":
                user = User.objects.filter(username=opts["user"], is_active=True).first()
                if user is None:
                    raise CommandError(f"Akun {opts['user']!r} tidak ada atau tidak aktif.")
                try:
                    key = api_token_create(user=user, nama=opts["name"], days=opts["days"])
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(key)
                self.stderr.write("Simpan token ini sekarang: tidak ditampilkan lagi.")
            elif opts["action"] == "list":
                for t in ApiToken.objects.select_related("user").order_by("created_at"):
                    state = "dicabut" if t.revoked_at else f"berlaku s.d. {t.expires_at:%Y-%m-%d}"
                    self.stdout.write(f"{t.prefix}\t{t.user.username}\t{t.nama}\t{state}")
            else:
                token = ApiToken.objects.filter(prefix=opts["prefix"]).first()
                if token is None:
                    raise CommandError("Token tidak ditemukan.")
                api_token_revoke(token=token)
                self.stdout.write(f"Token {token.prefix} dicabut.")
