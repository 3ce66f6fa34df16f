"""Benchmark: load a province, build aggregates, time dashboards, export and one update."""

import io
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client

from posyandu.core import derived
from posyandu.core.periods import current_month
from posyandu.demo.synth import generate
from posyandu.laporan.build import rekap_layanan
from posyandu.laporan.build.rekap_bulanan import rekap_rebuild
from posyandu.laporan.exports import tables
from posyandu.sesi.models import Pengukuran
from posyandu.wilayah.models import Wilayah


def _pcts(samples: list[float]) -> str:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return f"p50 {statistics.median(s) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (n={len(s)})"


class Command(BaseCommand):
    help = "Times: load, aggregate build, dashboards p50/p95, SKDN export, one update."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provinsi", default="14")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--skip-load", action="store_true", help="data already loaded")
        parser.add_argument("--skip-build", action="store_true", help="aggregates already built")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        prov, runs, end = opts["provinsi"], opts["runs"], current_month()
        self.say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        if not opts["skip_load"]:
            t = time.perf_counter()
            counts = generate(prov, end, 12, opts["scale"])
            self.say(f"load: {time.perf_counter() - t:.1f} s {counts}")
        if not opts["skip_build"]:
            t = time.perf_counter()
            rows = rekap_rebuild(prefix=prov, start=end - 11, end=end)
            self.say(f"aggregate build: {time.perf_counter() - t:.1f} s ({rows} rows)")
            t = time.perf_counter()
            rows = rekap_layanan.cakupan_rebuild(prefix=prov, years={(end - 11) // 12, end // 12})
            self.say(f"coverage build: {time.perf_counter() - t:.1f} s ({rows} rows)")
        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client()
        client.force_login(user)
        kab = list(Wilayah.objects.filter(induk_id=prov).values_list("kode", flat=True))
        kec = list(Wilayah.objects.filter(induk_id__in=kab).values_list("kode", flat=True))
        rng = random.Random(1)
        for label, codes in (("province", [prov]), ("kab/kota", kab), ("kecamatan", kec)):
            samples = []
            for i in range(runs + 2):
                t = time.perf_counter()
                response = client.get(f"/laporan/wilayah/{rng.choice(codes)}/")
                elapsed = time.perf_counter() - t
                assert response.status_code == 200, response.status_code
                if i >= 2:  # warm-up
                    samples.append(elapsed)
            self.say(f"{label} dashboard: {_pcts(samples)}")
        t = time.perf_counter()
        columns, table = tables.report_table("skdn", kode=prov, month=end)
        tables.write_csv(io.StringIO(), columns, table)
        self.say(f"SKDN export of the province: {(time.perf_counter() - t) * 1000:.1f} ms")
        ids = list(
            Pengukuran.objects.filter(
                sasaran__desa__kode__startswith=prov + ".", berat_kg__isnull=False
            )
            .order_by("-id")
            .values_list("id", flat=True)[:5000]
        )
        samples, listener, coverage = [], [], []
        for pid in rng.sample(ids, min(runs, len(ids))):
            m = Pengukuran.objects.get(id=pid)
            m.berat_kg = (m.berat_kg or Decimal("5")) + Decimal("0.10")
            t = time.perf_counter()
            m.save()
            samples.append(time.perf_counter() - t)
            t = time.perf_counter()
            derived.run_now(m, derived="laporan.RekapBulanan")
            listener.append(time.perf_counter() - t)
            t = time.perf_counter()
            derived.run_now(m, derived="laporan.RekapLayanan")
            coverage.append(time.perf_counter() - t)
        self.say(f"save of one measurement (all listeners of all apps): {_pcts(samples)}")
        self.say(f"incremental aggregate update alone (laporan listener): {_pcts(listener)}")
        self.say(f"incremental coverage update alone (cakupan listener): {_pcts(coverage)}")
