"""`bench_import [--rows 20000]`: time `import_balita` on a generated workbook.

Run it on a fresh database (bench/import_balita.py makes one): it creates a Puskesmas with
four Posyandu in region 99.01.01 (an unused code), writes the workbook and imports it twice
(the second run must create nothing) and prints both times."""

import io
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.pertukaran.bench import rows, workbook
from posyandu.pertukaran.models import ImportBatch
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.wilayah.importer import region_with_ancestors
from posyandu.wilayah.models import Wilayah

KECAMATAN = "99.01.01"


class Command(BaseCommand):
    help = "Benchmark of import_balita on a generated workbook (run on a fresh database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=20000)

    def handle(self, *args: Any, **opts: Any) -> None:
        kecamatan = region_with_ancestors(KECAMATAN, label="Bench")
        puskesmas = Puskesmas.objects.create(nama="Puskesmas Bench", kecamatan=kecamatan)
        names = []
        for i in range(4):
            desa = region_with_ancestors(f"{KECAMATAN}.{2001 + i}", label="Bench")
            puskesmas.wilayah_kerja.add(desa)
            p = Posyandu.objects.create(nama=f"Bench {i + 1}", desa=desa, puskesmas=puskesmas)
            names.append(p.nama)
        data = rows(opts["rows"], today=timezone.localdate(), kecamatan=KECAMATAN, posyandu=names)
        path = Path(tempfile.mkdtemp()) / "balita.xlsx"
        path.write_bytes(workbook(data))
        self.stdout.write(f"{len(data)} rows written to {path} ({path.stat().st_size:,} bytes)")
        for label in ("first import", "re-import"):
            started, cpu = time.perf_counter(), time.process_time()
            call_command(
                "import_balita",
                str(path),
                puskesmas=str(puskesmas.public_id),
                stdout=io.StringIO(),
            )
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            batch = ImportBatch.objects.order_by("-pk").first()
            assert batch is not None
            self.stdout.write(
                f"{label}: {elapsed:.1f} s for {len(data)} rows "
                f"({len(data) / elapsed:,.0f} rows/s; process CPU {cpu:.1f} s); "
                f"counts {batch.jumlah}"
            )
        self.stdout.write(
            f"people {Sasaran.objects.count()}, measurements {Pengukuran.objects.count()}"
        )
        # How fast this machine is right now: one trivial ORM query, wall and CPU (a loaded or
        # slow machine shows here, so figures can be compared between machines).
        started, cpu = time.perf_counter(), time.process_time()
        for _i in range(2000):
            Wilayah.objects.filter(kode="0").first()
        self.stdout.write(
            f"calibration: one trivial ORM query {(time.perf_counter() - started) / 2:.3f} ms "
            f"wall, {(time.process_time() - cpu) / 2:.3f} ms CPU"
        )
