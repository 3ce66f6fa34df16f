from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.audit.context import Actor, acting_as
from posyandu.demo import services


class Command(BaseCommand):
    help = "Build the demo (Kota Pekanbaru and Kabupaten Seluma) once; print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--small",
            action="store_true",
            help="One Posyandu per kabupaten/kota (seconds, not minutes): for tests.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo hanya untuk mode demo (DEBUG=true). Demo passwords are refused "
                "when DEBUG is off."
            )
        if services.demo_exists():
            self.stdout.write("Demo sudah ada; data dibiarkan apa adanya.")
        else:
            try:
                with acting_as(Actor(via="command:seed_demo")):
                    counts = services.seed_demo(
                        seed=int(options["seed"]),
                        small=bool(options["small"]),
                    )
            except services.DemoError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                "Demo dibuat: " + ", ".join(f"{n} {name}" for name, n in counts.items())
            )
        self.stdout.write("\nLogin demo (kata sandi sama untuk semua):")
        self.stdout.write(f"  kata sandi / password: {services.DEMO_PASSWORD}")
        for login in services.demo_logins():
            self.stdout.write(f"  {login.username:22} {login.role} · {login.place}")
