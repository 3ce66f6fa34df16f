"""Benchmark of the offline sync (docs/offline.md, Figures): first download size (raw, gzip,
brotli) with the app shell, the next day's delta, and the time to apply 500 changes through
the real API. Seeds its own Posyandu of about 150 people; run it on a fresh database:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py sinkron_bench
"""

import gzip
import json
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from posyandu.accounts.models import Assignment, Role, User
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record
from posyandu.wilayah.importer import region_with_ancestors
from posyandu.wilayah.models import Wilayah

try:
    import brotli  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - optional
    brotli = None

DESA = "17.05.01.2099"
PEOPLE = 150
CHANGES = 500
BATCH = 50
SHELL_DIRS = [
    Path(settings.BASE_DIR) / "posyandu" / "sinkron" / "static" / "sinkron",
    Path(settings.BASE_DIR) / "posyandu" / "sesi" / "static" / "sesi" / "engine",
]
SHELL_SUFFIXES = {".js", ".css", ".json", ".html", ".webmanifest", ".svg", ".png"}


def sizes(raw: bytes) -> tuple[int, int, int | None]:
    return (
        len(raw),
        len(gzip.compress(raw, 6)),
        len(brotli.compress(raw, quality=5)) if brotli else None,
    )


def kb(n: int | None) -> str:
    return "-" if n is None else f"{n / 1024:.1f} KB"


class Command(BaseCommand):
    help = "Print offline sync figures: download size, delta size, 500 changes applied."

    def handle(self, *args: Any, **options: Any) -> None:
        with override_settings(ALLOWED_HOSTS=["*"], OFFLINE_SYNC_RATE="10000/m"):
            self._run()

    def _seed(self) -> tuple[User, Posyandu]:
        desa = region_with_ancestors(DESA, label="Bench")
        kecamatan = Wilayah.objects.get(kode=DESA.rsplit(".", 1)[0])
        stamp = uuid.uuid4().hex[:6]
        puskesmas = Puskesmas.objects.create(nama=f"Puskesmas Bench {stamp}", kecamatan=kecamatan)
        posyandu = Posyandu.objects.create(
            nama=f"Posyandu Bench {stamp}", desa=desa, puskesmas=puskesmas
        )
        kader = User.objects.create_user(username=f"bench_{stamp}", password=uuid.uuid4().hex)
        Assignment.objects.create(user=kader, role=Role.KADER, posyandu=posyandu)
        today = timezone.localdate()
        with transaction.atomic():
            for i in range(PEOPLE):
                if i < 90:  # children 0-59 months, weighed every month for up to 6 months
                    born = today - timedelta(days=20 + (i * 19) % 1790)
                elif i < 120:
                    born = date(today.year - 20 - i % 20, 1 + i % 12, 1 + i % 28)
                else:
                    born = date(today.year - 40 - i % 30, 1 + i % 12, 1 + i % 28)
                person = Sasaran.objects.create(
                    nama=f"Warga {i:03d} Bench",
                    jenis_kelamin="L" if i % 2 else "P",
                    tanggal_lahir=born,
                    nama_ibu=f"Ibu {i:03d}",
                    nik=f"170501{i:06d}{1000 + i}"[:16] if i >= 90 else None,
                    posyandu=posyandu,
                    desa=desa,
                )
                if i < 90:
                    for month in range(6, 0, -1):
                        day = today - timedelta(days=30 * month)
                        if day <= born:
                            continue
                        age = (day - born).days
                        measurement_record(
                            sasaran=person,
                            tanggal=day,
                            by=kader,
                            berat_kg=Decimal("3.3") + Decimal(age) / Decimal(150),
                            tinggi_cm=Decimal("50") + Decimal(age) / Decimal(30),
                            cara_ukur="terlentang" if age < 730 else "berdiri",
                        )
        # the seed is yesterday's data: nothing of it belongs in today's delta
        yesterday = timezone.now() - timedelta(days=1)
        Sasaran.all_objects.filter(posyandu=posyandu).update(
            created_at=yesterday, updated_at=yesterday
        )
        Pengukuran.all_objects.filter(sasaran__posyandu=posyandu).update(
            created_at=yesterday, updated_at=yesterday
        )
        return kader, posyandu

    def _shell(self) -> bytes:
        parts = []
        for folder in SHELL_DIRS:
            if folder.exists():
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and path.suffix in SHELL_SUFFIXES:
                        parts.append(path.read_bytes())
        return b"".join(parts)

    def _run(self) -> None:
        out = self.stdout.write
        started = time.perf_counter()
        kader, posyandu = self._seed()
        out(f"seeded {PEOPLE} people in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(kader)
        device = str(uuid.uuid4())
        t0 = time.perf_counter()
        full = client.get(
            "/api/v1/luring/paket", {"posyandu": str(posyandu.public_id), "perangkat": device}
        )
        full_time = time.perf_counter() - t0
        assert full.status_code == 200, full.content[:300]
        body = full.json()
        raw, gz, br = sizes(full.content)
        shell_raw, shell_gz, shell_br = sizes(self._shell())
        out(
            f"first download: {len(body['people'])} people, {len(body['measurements'])} "
            f"measurements; raw {kb(raw)}, gzip {kb(gz)}, brotli {kb(br)} ({full_time:.2f} s)"
        )
        out(
            f"app shell (sinkron + engine static, one file set): raw {kb(shell_raw)}, "
            f"gzip {kb(shell_gz)}, brotli {kb(shell_br)}"
        )
        total = gz + shell_gz
        out(f"package + shell, gzip: {kb(total)} (target < 2048 KB)")

        changes = self._day(body, posyandu)
        t0, cpu0 = time.perf_counter(), time.process_time()
        statuses: dict[str, int] = {}
        reasons: dict[str, int] = {}
        for start in range(0, len(changes), BATCH):
            response = client.post(
                "/api/v1/luring/kirim",
                {"device_id": device, "changes": changes[start : start + BATCH]},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content[:300]
            for result in response.json()["results"]:
                statuses[result["status"]] = statuses.get(result["status"], 0) + 1
                if result["status"] == "rejected":
                    reasons[result["reason"]] = reasons.get(result["reason"], 0) + 1
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        out(
            f"{len(changes)} changes in {len(changes) // BATCH} batches: {elapsed:.1f} s "
            f"({len(changes) / elapsed:.0f} changes/s; target < 30 s), of which CPU of this "
            f"process {cpu:.1f} s; answers {statuses}"
        )
        for reason, count in reasons.items():
            out(f"  rejected x{count}: {reason}")
        delta = client.get(
            "/api/v1/luring/paket",
            {"posyandu": str(posyandu.public_id), "sejak": body["cursor"], "perangkat": device},
        )
        draw, dgz, dbr = sizes(delta.content)
        d = delta.json()
        out(
            f"delta after the day: {len(d['people'])} people, {len(d['measurements'])} "
            f"measurements, {len(d['checkins'])} check-ins; raw {kb(draw)}, gzip {kb(dgz)}, "
            f"brotli {kb(dbr)} (target < 100 KB)"
        )
        out(json.dumps({"full_gzip": gz, "shell_gzip": shell_gz, "delta_gzip": dgz,
                        "changes": len(changes), "seconds": round(elapsed, 2)}))  # fmt: skip

    def _day(self, body: dict[str, Any], posyandu: Posyandu) -> list[dict[str, Any]]:
        """A realistic day as the device sends it: open, check-ins, weights, services,
        education, and some edits of people (from their current version)."""
        today = timezone.localdate().isoformat()
        sesi = str(uuid.uuid4())
        people = body["people"]
        children = [p for p in people if p["life_stage"] in ("bayi", "balita")]
        changes: list[dict[str, Any]] = []

        def add(
            kind: str, data: dict[str, Any], record: str | None = None, base: Any = None
        ) -> None:
            changes.append(
                {"id": str(uuid.uuid4()), "seq": len(changes), "kind": kind,
                 "record": record or str(uuid.uuid4()), "base_version": base,
                 "at": timezone.now().isoformat(), "data": data}
            )  # fmt: skip

        add("sesi.open", {"posyandu": str(posyandu.public_id), "tanggal": today}, sesi)
        visits = []
        for person in people[:120]:
            visit = str(uuid.uuid4())
            visits.append((visit, person))
            add("kunjungan.checkin", {"sesi": sesi, "sasaran": person["id"]}, visit)
        for visit, person in visits:
            is_child = person in children
            add(
                "pengukuran.create",
                {"kunjungan": visit, "berat_kg": "12,5" if is_child else "55,0",
                 "tinggi_cm": "88,0" if is_child else "155,0",
                 "cara_ukur": "berdiri" if is_child else ""},
            )  # fmt: skip
        for visit, _person in visits:
            add("layanan.create", {"kunjungan": visit, "jenis": "PMT penyuluhan"})
        for visit, _person in visits[:100]:
            add("penyuluhan.create", {"kunjungan": visit, "topik": "Gizi seimbang"})
        for person in people[: CHANGES - len(changes)]:
            add("sasaran.update", {"rt": "003"}, person["id"], person["version"])
        return changes[:CHANGES]
