"""Synthetic data at province scale for the benchmark: facilities, balita, 12 months of
measurements, with WHO z-scores from growthstandards. Bulk inserts (COPY on PostgreSQL).

Balita per kab/kota = 8.5% of its population in posyandu/wilayah/data/penduduk_2025.csv,
spread over its desa; one Posyandu per ~90 balita. Each month a child is weighed with
probability 0.78 and measured for length with probability 0.5 of those.
"""

import csv
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

import growthstandards as gs
from posyandu.core.colocation import kabkota_of
from posyandu.core.periods import first_day, last_day
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.growth import WHO_MEASURE
from posyandu.sesi.models import Pengukuran
from posyandu.wilayah.models import Wilayah

PENDUDUK = Path(__file__).resolve().parents[1] / "wilayah" / "data" / "penduduk_2025.csv"
BALITA_SHARE = 0.085
BALITA_PER_POSYANDU = 90
# The engine's WHO letters ("l"/"h") back to the stored position words.
POSITION_OF_WHO_MEASURE = {letter: word for word, letter in WHO_MEASURE.items()}


def balita_per_kabkota(provinsi: str) -> dict[str, int]:
    with PENDUDUK.open(encoding="utf-8") as f:
        return {
            r["kode"]: round(int(r["total"]) * BALITA_SHARE)
            for r in csv.DictReader(f)
            if r["kode"].startswith(provinsi + ".") and len(r["kode"]) == 5
        }


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    out = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        value = f.get_default()
        if isinstance(f, models.JSONField):
            value = json.dumps(value if value is not None else None)
        out[f.column] = value
    return out


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Fast insert of dicts keyed by column (others take the field default)."""
    if not rows:
        return
    defaults = _defaults(model)
    columns = ["id", *defaults]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {table} ({cols}) FROM STDIN"  # names from model metadata, not input
        with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
            for row in rows:
                copy.write_row([row.get(c, defaults.get(c)) for c in columns])
    else:
        table = model._meta.db_table
        marks = ", ".join("?" * len(columns))
        values = [[_sqlite(row.get(c, defaults.get(c))) for c in columns] for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(
                f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})',  # noqa: S608
                values,
            )


def _sqlite(value: Any) -> Any:
    """The Python sqlite3 driver binds no UUID or Decimal: store them as Django does."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            if value.tzinfo
            else value.isoformat(" ")
        )
    return value


def _next_id(model: type[Sasaran] | type[Pengukuran]) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


def _reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )


def _facilities(
    provinsi: str, balita: dict[str, int], rng: np.random.Generator
) -> list[tuple[int, str, int]]:
    """Puskesmas per kecamatan, Posyandu per desa; returns [(posyandu_id, desa, n_balita)]."""
    out: list[tuple[int, str, int]] = []
    for kab, total in sorted(balita.items()):
        desa = list(Wilayah.objects.filter(kode__startswith=kab + ".", tingkat="desa"))
        if not desa:
            continue
        weights = rng.gamma(2.0, 1.0, len(desa))
        counts = rng.multinomial(total, weights / weights.sum())
        by_kec: dict[str, list[tuple[Wilayah, int]]] = {}
        for w, n in zip(desa, counts, strict=True):
            by_kec.setdefault(w.kode[:8], []).append((w, int(n)))
        for kec, items in sorted(by_kec.items()):
            pkm = Puskesmas.objects.create(nama=f"Puskesmas {kec}", kecamatan_id=kec)
            pkm.wilayah_kerja.set([w for w, _ in items])
            rows = []
            for w, n in items:
                k = max(1, round(n / BALITA_PER_POSYANDU))
                for i in range(k):
                    share = n // k + (1 if i < n % k else 0)
                    rows.append(
                        (Posyandu(nama=f"Posyandu {w.nama} {i + 1}", desa=w, puskesmas=pkm,
                                  kode=f"{w.kode.replace('.', '')}{i + 1:02d}"), share)
                    )  # fmt: skip
            made = Posyandu.objects.bulk_create([p for p, _ in rows])
            out += [(p.id, p.desa_id, n) for p, (_, n) in zip(made, rows, strict=True)]
    return out


def _weight(age_m: np.ndarray) -> np.ndarray:
    a = age_m.astype(float)
    return np.select(
        [a <= 6, a <= 12, a <= 24],
        [3.3 + 0.7 * a, 7.5 + 0.25 * (a - 6), 9.0 + 0.2 * (a - 12)],
        11.4 + 0.17 * (a - 24),
    )


def _length(age_m: np.ndarray) -> np.ndarray:
    a = age_m.astype(float)
    return np.select(
        [a <= 6, a <= 12, a <= 24],
        [49.9 + 2.6 * a, 65.5 + 1.4 * (a - 6), 73.9 + 0.9 * (a - 12)],
        84.7 + 0.6 * (a - 24),
    )


def generate(provinsi: str, end: int, months: int = 12, scale: float = 1.0, seed: int = 7,
             progress: Any = None) -> dict[str, int]:  # fmt: skip
    rng = np.random.default_rng(seed)
    balita = {k: max(1, int(v * scale)) for k, v in balita_per_kabkota(provinsi).items()}
    with transaction.atomic():
        posyandu = _facilities(provinsi, balita, rng)
    return populate(posyandu, end, months, rng, progress)


def populate(posyandu: list[tuple[int, str, int]], end: int, months: int,
             rng: np.random.Generator, progress: Any = None) -> dict[str, int]:  # fmt: skip
    """Balita for existing Posyandu [(id, desa, n)] and their monthly measurements."""
    start = end - months + 1
    end_day, start_day = last_day(end), first_day(start)
    counts = {"posyandu": len(posyandu), "sasaran": 0, "pengukuran": 0}
    sid, mid = _next_id(Sasaran), _next_id(Pengukuran)
    now = timezone.now()
    for chunk in _chunks(posyandu, 200):
        people, measures = [], []
        pids = np.repeat([p for p, _, _ in chunk], [n for _, _, n in chunk])
        desas = np.repeat([d for _, d, _ in chunk], [n for _, _, n in chunk])
        n = len(pids)
        if not n:
            continue
        # Birth dates so ages run 0-59 months over the window (some age in or out).
        span = (end_day - (start_day - timedelta(days=5 * 365))).days
        births = np.array([end_day - timedelta(days=int(x)) for x in rng.integers(0, span, n)])
        sexes = rng.choice(["L", "P"], n)
        kms = rng.random(n) < 0.9
        wf = np.exp(rng.normal(0, 0.11, n))
        lf = np.exp(rng.normal(-0.012, 0.04, n))
        ids = np.arange(sid, sid + n)
        sid += n
        for i in range(n):
            people.append({
                "id": int(ids[i]), "public_id": uuid.uuid4(), "created_at": now,
                "updated_at": now, "nama": f"Balita {ids[i]}", "jenis_kelamin": sexes[i],
                "tanggal_lahir": births[i], "posyandu_id": int(pids[i]),
                "desa_id": desas[i], "kabkota_kode": kabkota_of(desas[i]),
                "punya_buku_kia": bool(kms[i]),
            })  # fmt: skip
        rows = []
        for m in range(start, end + 1):
            weighed = rng.random(n) < 0.78
            days = rng.integers(0, 25, n)
            for i in np.nonzero(weighed)[0].tolist():
                day = first_day(m) + timedelta(days=int(days[i]))
                if day > births[i]:
                    rows.append((i, day))
        if rows:
            idx = np.array([i for i, _ in rows])
            age_days = np.array([(d - births[i]).days for i, d in rows])
            age_m = age_days / 30.4375
            weight = np.round(_weight(age_m) * wf[idx] + rng.normal(0, 0.12, len(rows)), 2)
            weight = np.clip(weight, 1.5, None)
            has_len = rng.random(len(rows)) < 0.5
            length = np.round(_length(age_m) * lf[idx], 1)
            measure = np.where(age_days < 731, "l", "h")
            sexcode = np.where(sexes[idx] == "L", 1, 2)
            res = gs.who2006_zscores(
                sexcode, age_days, weight, np.where(has_len, length, np.nan), measure
            )
            z = {k: res.z[k] for k in ("zlen", "zwei", "zwfl", "zbmi")}
            f = {k: res.flags[k] for k in ("flen", "fwei", "fwfl", "fbmi")}
            for j, (i, day) in enumerate(rows):
                rec = {
                    "id": mid, "public_id": uuid.uuid4(), "created_at": now, "updated_at": now,
                    "sasaran_id": int(ids[i]), "kabkota_kode": people[i]["kabkota_kode"],
                    "tanggal": day, "berat_kg": f"{weight[j]:.2f}", "umur_hari": int(age_days[j]),
                    "mesin_versi": gs.ENGINE_VERSION,
                }  # fmt: skip
                if has_len[j]:
                    rec["tinggi_cm"] = f"{length[j]:.1f}"
                    rec["cara_ukur"] = POSITION_OF_WHO_MEASURE[measure[j]]
                for k, v in z.items():
                    rec[k] = None if np.isnan(v[j]) else float(v[j])
                for k, v in f.items():
                    rec[k] = None if v[j] < 0 else bool(v[j])
                measures.append(rec)
                mid += 1
        with transaction.atomic():
            _insert(Sasaran, people)
            _insert(Pengukuran, measures)
        counts["sasaran"] += len(people)
        counts["pengukuran"] += len(measures)
        if progress:
            progress(counts)
    _reset_sequences(Sasaran, Pengukuran)
    return counts


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
