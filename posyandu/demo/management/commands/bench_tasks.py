"""Benchmark of the full task run on a kabupaten-size population.

Builds, inside a transaction that is rolled back at the end (the database is left as it was),
an invented kabupaten of N residents in Posyandu of ~200 people, with a year of history:
monthly weighings of balita (N/T/O/B and z-scores), blood pressure of adults and lansia at
the Posyandu, and referrals. Then times the full recompute (first run: every task created;
second run: steady state) and one incremental recompute. Prints figures; asserts nothing.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.tugas.engine import recompute
from posyandu.tugas.models import Tugas
from posyandu.wilayah.models import Wilayah

KAB = "99.98"  # not a real kabupaten code: nothing real is touched


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the full task recompute on a generated kabupaten (rolled back afterwards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--residents", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=6)

    def handle(self, *args: Any, residents: int, seed: int, **options: Any) -> None:
        try:
            with transaction.atomic():
                self._run(residents, random.Random(seed))
                raise Rollback
        except Rollback:
            self.stdout.write("Scratch data rolled back.")

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _run(self, residents: int, rng: random.Random) -> None:
        today = timezone.localdate()
        t0 = time.perf_counter()
        posyandu = self._facilities(residents)
        people = self._people(residents, posyandu, rng, today)
        n_meas, n_ref = self._history(people, rng, today)
        self._say(
            f"Generated {len(people):,} residents in {len(posyandu)} Posyandu, "
            f"{n_meas:,} measurements and {n_ref:,} referrals over a year "
            f"({time.perf_counter() - t0:.1f} s)"
        )
        for label in ("Full run, first (creates every task)", "Full run, steady state"):
            started = time.perf_counter()
            result = recompute(today=today)
            self._say(
                f"{label}: {time.perf_counter() - started:.2f} s for {result.people:,} people; "
                f"created {result.created:,}, resolved {result.resolved:,}, open {result.open:,}"
            )
        started = time.perf_counter()
        result = recompute(today=today + timedelta(days=20))
        self._say(
            f"Full run 20 days later: {time.perf_counter() - started:.2f} s; created "
            f"{result.created:,}, resolved {result.resolved:,}, expired {result.expired:,}"
        )
        one = people[len(people) // 2][0]
        started = time.perf_counter()
        recompute([one], today=today)
        self._say(
            f"Incremental run for one person: {1000 * (time.perf_counter() - started):.1f} ms"
        )
        by_rule = Tugas.objects.values_list("aturan").order_by("aturan")
        counts: dict[str, int] = {}
        for (aturan,) in by_rule.iterator():
            counts[aturan] = counts.get(aturan, 0) + 1
        self._say("Tasks by rule: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))

    def _facilities(self, residents: int) -> list[Posyandu]:
        prov = Wilayah.objects.get_or_create(
            kode="99", defaults={"nama": "Bench", "tingkat": "provinsi"}
        )[0]
        kab = Wilayah.objects.get_or_create(
            kode=KAB, defaults={"nama": "Kabupaten Bench", "tingkat": "kabkota", "induk": prov}
        )[0]
        n_posyandu = max(1, residents // 200)
        per_desa, per_kec = 3, 15  # Posyandu per desa, desa per kecamatan
        posyandu, desa_i = [], 0
        kec = desa = pkm = None
        for i in range(n_posyandu):
            if i % per_desa == 0:
                if desa_i % per_kec == 0:
                    k = desa_i // per_kec + 1
                    kec = Wilayah.objects.create(
                        kode=f"{KAB}.{k:02d}", nama=f"Kec {k}", tingkat="kecamatan", induk=kab
                    )
                    pkm = Puskesmas.objects.create(nama=f"Puskesmas Bench {k}", kecamatan=kec)
                assert kec is not None and pkm is not None  # made in the first round
                desa = Wilayah.objects.create(
                    kode=f"{kec.kode}.{2001 + desa_i % per_kec}",
                    nama=f"Desa {desa_i}",
                    tingkat="desa",
                    induk=kec,
                )
                pkm.wilayah_kerja.add(desa)
                desa_i += 1
            posyandu.append(Posyandu(nama=f"Posyandu Bench {i}", desa=desa, puskesmas=pkm))
        return Posyandu.objects.bulk_create(posyandu)

    def _people(
        self, residents: int, posyandu: list[Posyandu], rng: random.Random, today: date
    ) -> list[tuple[int, str, Posyandu]]:
        # Age mix of an Indonesian kabupaten: ~9% balita, ~30% 5-17, ~50% adults, ~11% 60+.
        bands = [(0, 5, 0.09), (5, 18, 0.30), (18, 60, 0.50), (60, 90, 0.11)]
        rows = []
        for i in range(residents):
            pos = posyandu[i % len(posyandu)]
            lo, hi, _share = rng.choices(bands, weights=[b[2] for b in bands])[0]
            age_days = rng.randint(lo * 365, hi * 365 - 1)
            rows.append(
                Sasaran(
                    nama=f"Warga {i}",
                    jenis_kelamin=rng.choice("LP"),
                    tanggal_lahir=today - timedelta(days=age_days),
                    posyandu=pos,
                    desa_id=pos.desa_id,
                )
            )
        created = Sasaran.objects.bulk_create(rows, batch_size=2000)
        return [
            (s.pk, "balita" if (today - s.tanggal_lahir).days < 5 * 365 else "", s.posyandu)
            for s in created
        ]

    def _history(self, people: list, rng: random.Random, today: date) -> tuple[int, int]:
        measurements, referrals = [], []
        month_day = 10
        months = []
        for back in range(12, -1, -1):
            y, m = today.year, today.month - back
            while m <= 0:
                y, m = y - 1, m + 12
            day = date(y, m, month_day)
            if day <= today:
                months.append(day)
        n_meas = 0
        sasaran_of = {pk: pos for pk, _, pos in people}
        for pk, kind, _pos in people:
            if kind == "balita":
                status = ""
                for day in months:
                    if rng.random() < 0.2:  # ~80% weighed each month (D/S)
                        status = ""
                        continue
                    status = rng.choices("NTO", weights=(75, 20, 5))[0] if status else "B"
                    zwfl = rng.gauss(-0.4, 1.1)
                    zlen = rng.gauss(-1.0, 1.2)
                    measurements.append(
                        Pengukuran(
                            sasaran_id=pk,
                            tanggal=day,
                            berat_kg=Decimal("10.0"),
                            tinggi_cm=Decimal("80.0"),
                            status_bb=status,
                            zwfl=zwfl,
                            zlen=zlen,
                            kategori={
                                "bb_pb_tb": "gizi_buruk"
                                if zwfl < -3
                                else "gizi_kurang"
                                if zwfl < -2
                                else "gizi_baik",
                                "pb_tb_u": "sangat_pendek"
                                if zlen < -3
                                else "pendek"
                                if zlen < -2
                                else "normal",
                            },
                        )
                    )
            elif rng.random() < 0.25:  # adults who come to the Posyandu, every 3 months
                for day in months[::3]:
                    sistole = int(rng.gauss(128, 18))
                    measurements.append(
                        Pengukuran(
                            sasaran_id=pk,
                            tanggal=day,
                            sistole=sistole,
                            diastole=int(sistole * 0.63),
                        )
                    )
                    if sistole >= 140 and rng.random() < 0.5:
                        referrals.append(
                            Rujukan(
                                sasaran_id=pk,
                                tanggal=day + timedelta(days=1),
                                alasan="Hipertensi",
                                tujuan_puskesmas_id=sasaran_of[pk].puskesmas_id,
                                status=rng.choice(["dikirim", "selesai"]),
                            )
                        )
            if len(measurements) >= 20_000:
                Pengukuran.objects.bulk_create(measurements, batch_size=2000)
                n_meas += len(measurements)
                measurements = []
        Pengukuran.objects.bulk_create(measurements, batch_size=2000)
        Rujukan.objects.bulk_create(referrals, batch_size=2000)
        return n_meas + len(measurements), len(referrals)
