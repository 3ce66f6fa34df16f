"""Benchmark: load a province, build aggregates, time dashboards, export and one update."""

import io
import os
import platform
import random
import statistics
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings

from growthstandards.tables import preload as preload_growth_tables
from posyandu.core import derived
from posyandu.core.periods import current_month
from posyandu.demo.synth import generate
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.build import rekap_layanan
from posyandu.laporan.build.rekap_bulanan import rekap_rebuild
from posyandu.laporan.exports import tables
from posyandu.laporan.listeners import PersonYear, cakupan_update
from posyandu.laporan.models import LayananWilayah, RekapBulanan, RekapLayanan, RekapWilayah
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.wilayah.models import Wilayah


class StatementCounter:
    """A database execute wrapper counting the statements sent (transaction control, sent
    by the driver itself, is not among them)."""

    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements += 1
        return execute(sql, params, many, context)


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def _pcts(samples: list[float]) -> str:
    p50 = statistics.median(samples) * 1000
    return f"p50 {p50:.1f} ms, p95 {_p95(samples):.1f} ms (n={len(samples)})"


def machine() -> str:
    """CPU count and model, and the load average: figures on a busy machine say so."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{os.cpu_count()} CPU {model}, load {load}"


def database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return f"{connection.vendor} {version}"


def commit() -> str:
    """The checked-out commit (and “+changes” when the tree differs from it)."""
    root = Path(__file__).resolve().parents[4]
    try:
        head = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=root, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(  # noqa: S603
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=root, capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def analyze() -> None:
    """Planner statistics for what a bulk write just wrote (autovacuum would come later)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Times: load, aggregate build, dashboards p50/p95, SKDN export, one update."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provinsi", default="14")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--skip-load", action="store_true", help="data already loaded")
        parser.add_argument("--skip-build", action="store_true", help="aggregates already built")
        parser.add_argument(
            "--markdown", action="store_true", help="also print the README's benchmark rows"
        )

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        # The test client's host, whatever ALLOWED_HOSTS the environment sets; the bench
        # account signs in without a second factor (the pages are timed, not the login).
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, TWO_FACTOR_ENFORCED=False):
            self.run(**opts)

    def run(self, **opts: Any) -> None:
        prov, runs, end = opts["provinsi"], opts["runs"], current_month()
        flags = [f"--{k.replace('_', '-')}" for k in ("skip_load", "skip_build") if opts[k]]
        command = " ".join(
            ["manage.py laporan_bench", f"--scale {opts['scale']:g}", f"--runs {runs}", *flags]
        )
        about = {"machine": machine(), "database": database(), "commit": commit()}
        for key, value in about.items():
            self.say(f"{key}: {value}")
        figures: dict[str, str] = {}
        if not opts["skip_load"]:
            t = time.perf_counter()
            counts = generate(prov, end, 12, opts["scale"])
            analyze()  # a bulk load leaves the planner without statistics
            self.say(f"load (with ANALYZE): {time.perf_counter() - t:.1f} s {counts}")
            figures["load"] = f"{time.perf_counter() - t:.0f} s"
        if not opts["skip_build"]:
            t = time.perf_counter()
            rows = rekap_rebuild(prefix=prov, start=end - 11, end=end)
            self.say(f"aggregate build: {time.perf_counter() - t:.1f} s ({rows} rows)")
            figures["aggregate build"] = f"{time.perf_counter() - t:.0f} s"
            t = time.perf_counter()
            rows = rekap_layanan.cakupan_rebuild(prefix=prov, years={(end - 11) // 12, end // 12})
            analyze()
            self.say(
                f"coverage build (with ANALYZE): {time.perf_counter() - t:.1f} s ({rows} rows)"
            )
            figures["coverage build"] = f"{time.perf_counter() - t:.0f} s"
        sizes = {
            "Posyandu": Posyandu.objects.count(),
            "balita": Sasaran.objects.count(),
            "measurements": Pengukuran.objects.count(),
            "SKDN rows": RekapBulanan.objects.count(),
            "coverage rows": RekapLayanan.objects.count(),
            "per-region rows": RekapWilayah.objects.count() + LayananWilayah.objects.count(),
        }
        self.say("data: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client()
        client.force_login(user)
        # Warm the process (imports, templates, URL resolver) on another province's page, so
        # that the first request of each level below is the first read of this data.
        other = Wilayah.objects.filter(tingkat="provinsi").exclude(kode=prov).first()
        if other is not None:
            client.get(f"/laporan/wilayah/{other.kode}/", secure=True)
        kab = list(Wilayah.objects.filter(induk_id=prov).values_list("kode", flat=True))
        kec = list(Wilayah.objects.filter(induk_id__in=kab).values_list("kode", flat=True))
        rng = random.Random(1)
        for label, codes in (("province", [prov]), ("kab/kota", kab), ("kecamatan", kec)):
            samples = []
            first = 0.0
            for i in range(runs + 2):
                t = time.perf_counter()
                response = client.get(f"/laporan/wilayah/{rng.choice(codes)}/", secure=True)
                elapsed = time.perf_counter() - t
                assert response.status_code == 200, response.status_code
                if i == 0:
                    first = elapsed
                if i >= 2:  # warm-up
                    samples.append(elapsed)
            self.say(f"{label} dashboard: {_pcts(samples)}; first request {first * 1000:.1f} ms")
            figures[f"{label} p95"] = f"{_p95(samples):.0f} ms (first {first * 1000:.0f} ms)"
        t = time.perf_counter()
        columns, table = tables.report_table("skdn", kode=prov, month=end)
        tables.write_csv(io.StringIO(), columns, table)
        export = (time.perf_counter() - t) * 1000
        self.say(f"SKDN export of the province: {export:.1f} ms")
        figures["SKDN export"] = f"{export:.0f} ms"
        ids = list(
            Pengukuran.objects.filter(
                sasaran__desa__kode__startswith=prov + ".", berat_kg__isnull=False
            )
            .order_by("-id")
            .values_list("id", flat=True)[:5000]
        )
        samples, listener, coverage, cpu, queries = [], [], [], [], []
        preload_growth_tables()  # as the server does at start (config/wsgi.py)
        for i, pid in enumerate(rng.sample(ids, min(runs + 1, len(ids)))):
            m = Pengukuran.objects.get(id=pid)
            weight, stored = m.berat_kg, m._loaded
            m.berat_kg = (weight or Decimal("5")) + Decimal("0.10")
            # Beside the wall time, which a shared machine stretches, what varies less: the
            # CPU time of this process and the statements sent.
            counted = StatementCounter()
            with connection.execute_wrapper(counted):
                t, c = time.perf_counter(), time.process_time()
                m.save()
                saved, used = time.perf_counter() - t, time.process_time() - c
            # The SKDN listener alone for the same change (its keys read the values before
            # the save), rolled back: the save has applied it already.
            saved_values, m._loaded = m._loaded, stored
            with transaction.atomic():
                t = time.perf_counter()
                derived.run_now(m, derived="laporan.RekapBulanan")
                skdn = time.perf_counter() - t
                transaction.set_rollback(True)
            m._loaded = saved_values
            # A corrected weight changes no coverage figure (its listener has nothing to do):
            # time what a weighing added, moved or deleted costs, spm_balita of its year.
            t = time.perf_counter()
            cakupan_update({PersonYear(m.sasaran_id, m.tanggal.year, only_balita=True)})
            cakupan = time.perf_counter() - t
            # The weight back (untimed): the stored z-scores match it again, so that
            # bench/verify_reports.py still agrees on this database after the bench.
            m.berat_kg = weight
            m.save()
            if i:  # the first save warms the process up (rules, imports), like the pages
                samples.append(saved)
                cpu.append(used)
                queries.append(counted.statements)
                listener.append(skdn)
                coverage.append(cakupan)
        self.say(f"save of one measurement (all listeners of all apps): {_pcts(samples)}")
        self.say(
            f"  its CPU time in this process: {_pcts(cpu)}; "
            f"statements sent: {statistics.mean(queries):.1f} on average"
        )
        self.say(f"incremental aggregate update alone (laporan listener): {_pcts(listener)}")
        self.say(f"incremental coverage update of a weighing (cakupan listener): {_pcts(coverage)}")
        figures["save, all listeners p95"] = f"{_p95(samples):.0f} ms"
        figures["save: CPU p50, statements"] = (
            f"{statistics.median(cpu) * 1000:.1f} ms, {statistics.mean(queries):.1f}"
        )
        figures["SKDN listener p95"] = f"{_p95(listener):.0f} ms"
        figures["coverage listener p95"] = f"{_p95(coverage):.0f} ms"
        if opts["markdown"]:
            self.say("")
            self.say(f"Measured with `{command}` on {about['machine']}, {about['database']}, ")
            self.say(
                f"commit {about['commit']}; " + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
            )
            self.say("")
            self.say("| step | figure |")
            self.say("|---|---|")
            for key, value in figures.items():
                self.say(f"| {key} | {value} |")
