"""Benchmark of docs/scaling.md: synthetic provinces loaded, then the pages a kader and the
Pokjanal open and one measurement saved, timed the same way on whatever database DATABASE_URL
names. bench/citus/compare.sh runs it on single-node PostgreSQL and on a Citus cluster."""

import io
import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client, override_settings

from posyandu.citus.distribution import citus_available
from posyandu.core.periods import current_month
from posyandu.demo.synth import generate
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def engine() -> str:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return connection.vendor
        cursor.execute("SHOW server_version")
        version = str(cursor.fetchone()[0]).split()[0]
        if not citus_available():
            return f"PostgreSQL {version}, one node"
        cursor.execute("SELECT count(*) FROM pg_dist_node WHERE groupid > 0")
        workers = cursor.fetchone()[0]
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'")
        return f"Citus {cursor.fetchone()[0]} on PostgreSQL {version}, {workers} workers"


class Command(BaseCommand):
    help = "Times load, Posyandu page, dashboards per level and one save (docs/scaling.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provinsi", default="14,17", help="comma-separated codes")
        parser.add_argument("--scale", type=float, default=0.05, help="1.0 = realistic volume")
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--skip-load", action="store_true", help="data already loaded")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, TWO_FACTOR_ENFORCED=False):
            self.run(**opts)

    def run(self, **opts: Any) -> None:
        provinces = [p.strip() for p in opts["provinsi"].split(",") if p.strip()]
        runs, end = opts["runs"], current_month()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        self.say(f"database: {engine()}; scale {opts['scale']:g}; load average {load:.1f}")
        figures: dict[str, str] = {}
        if not opts["skip_load"]:
            t = time.perf_counter()
            for prov in provinces:
                counts = generate(prov, end, 12, opts["scale"])
                self.say(f"  province {prov}: {counts}")
            call_command("laporan_rebuild", stdout=io.StringIO())
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            figures["load + aggregates"] = f"{time.perf_counter() - t:.0f} s"
        sizes = (Posyandu.objects.count(), Sasaran.objects.count(), Pengukuran.objects.count())
        self.say("data: {:,} Posyandu, {:,} balita, {:,} measurements".format(*sizes))

        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client()
        client.force_login(user)
        rng = random.Random(1)
        desa = sorted(set(Posyandu.objects.values_list("desa_id", flat=True)))
        posyandu = list(Posyandu.objects.values_list("public_id", flat=True))
        pages: list[tuple[str, Callable[[], str]]] = [
            ("Posyandu page (a kader's)", lambda: f"/laporan/posyandu/{rng.choice(posyandu)}/"),
            ("kecamatan dashboard", lambda: f"/laporan/wilayah/{rng.choice(desa)[:8]}/"),
            ("kab/kota dashboard", lambda: f"/laporan/wilayah/{rng.choice(desa)[:5]}/"),
            ("province dashboard", lambda: f"/laporan/wilayah/{rng.choice(provinces)}/"),
            ("all provinces dashboard", lambda: "/laporan/wilayah/semua/"),
        ]
        for label, url in pages:
            samples = []
            for i in range(runs + 2):
                t = time.perf_counter()
                response = client.get(url(), secure=True)
                elapsed = time.perf_counter() - t
                assert response.status_code == 200, (label, response.status_code)
                if i >= 2:  # warm-up
                    samples.append(elapsed)
            median = statistics.median(samples) * 1000
            self.say(f"{label}: p50 {median:.0f} ms, p95 {_p95(samples):.0f} ms")
            figures[f"{label} p95"] = f"{_p95(samples):.0f} ms"

        ids = list(
            Pengukuran.objects.filter(berat_kg__isnull=False)
            .order_by("-id")
            .values_list("id", flat=True)[:2000]
        )
        samples = []
        for pid in rng.sample(ids, min(runs, len(ids))):
            m = Pengukuran.objects.get(id=pid)
            m.berat_kg = (m.berat_kg or Decimal("5")) + Decimal("0.10")
            t = time.perf_counter()
            m.save()
            samples.append(time.perf_counter() - t)
        self.say(f"measurement save with its listeners: p95 {_p95(samples):.0f} ms")
        figures["measurement save p95"] = f"{_p95(samples):.0f} ms"
        self.say("")
        self.say("| figure | value |")
        self.say("|---|---|")
        for key, value in figures.items():
            self.say(f"| {key} | {value} |")
