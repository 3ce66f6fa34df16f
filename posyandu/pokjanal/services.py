"""Monthly strata of every Posyandu of a region, from the records."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from posyandu.core.concurrency import save_if_current
from posyandu.core.periods import first_day, last_day, period_of
from posyandu.fasilitas.models import Posyandu
from posyandu.kader.models import Kader
from posyandu.laporan.models import RekapBulanan, RekapLayanan
from posyandu.pokjanal import strata
from posyandu.pokjanal.models import ProgramOpd, StrataBulanan
from posyandu.sesi.models import Sesi
from posyandu.wilayah.models import in_region

KIA, IMUNISASI = "anc_k4", "idl"  # laporan RekapLayanan codes (rules/strata.json)


def strata_compute(*, prefix: str, month: int) -> int:
    """(Re)compute StrataBulanan of `month` for the Posyandu under `prefix`. Returns count."""
    posyandu = Posyandu.objects.all()
    if prefix:
        posyandu = posyandu.filter(in_region("desa__kode", prefix))
    ids = dict(posyandu.values_list("id", "desa_id"))
    periods = [period_of(m) for m in range(month - 11, month + 1)]
    start, end = first_day(month - 11), last_day(month)
    months_weighed: dict[int, int] = defaultdict(int)
    ds_values: dict[int, list[float]] = defaultdict(list)
    monthly: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for pid, periode, s, d in RekapBulanan.objects.filter(
        posyandu_id__in=list(ids), periode__in=periods
    ).values_list("posyandu_id", "periode", "s", "d"):
        monthly[(pid, periode)][0] += s
        monthly[(pid, periode)][1] += d
    for (pid, _p), (s, d) in monthly.items():
        if d:
            months_weighed[pid] += 1
        if s:
            ds_values[pid].append(100 * d / s)
    duty = dict(
        Sesi.objects.filter(
            posyandu_id__in=list(ids), tanggal__range=(start, end), kader_hadir__gt=0
        )
        .values("posyandu_id")
        .annotate(a=Avg("kader_hadir"))
        .values_list("posyandu_id", "a")
    )
    active = dict(
        Kader.objects.filter(posyandu_id__in=list(ids), aktif=True)
        .values("posyandu_id")
        .annotate(n=Count("id"))
        .values_list("posyandu_id", "n")
    )
    programs = set(
        ProgramOpd.objects.filter(posyandu_id__in=list(ids), status__in=["berjalan", "selesai"])
        .filter(Q(mulai__isnull=True) | Q(mulai__lte=end))
        .filter(Q(selesai__isnull=True) | Q(selesai__gte=start))
        .values_list("posyandu_id", flat=True)
    )
    # KIA (K4) and immunization (IDL) over the 12 months, from the coverage rows.
    cover: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for pid, kode, num, den in RekapLayanan.objects.filter(
        posyandu_id__in=list(ids), periode__in=periods, kode__in=[KIA, IMUNISASI]
    ).values_list("posyandu_id", "kode", "pembilang", "penyebut"):
        cover[(pid, kode)][0] += num
        cover[(pid, kode)][1] += den

    def pct(pid: int, kode: str) -> float | None:
        num, den = cover.get((pid, kode), (0, 0))
        return round(100 * num / den, 1) if den else None

    rows = []
    for pid, desa in ids.items():
        values = {
            "frekuensi": months_weighed.get(pid, 0),
            "kader": round(float(duty.get(pid) or active.get(pid, 0)), 1),
            "ds": round(sum(ds_values[pid]) / len(ds_values[pid]), 1) if ds_values[pid] else None,
            "kia": pct(pid, KIA),
            "kb": None,  # no contraception record yet (rules: not_recorded)
            "imunisasi": pct(pid, IMUNISASI),
            "program_tambahan": pid in programs,
            "dana_sehat": None,
        }
        result = strata.classify(values)
        rows.append(
            StrataBulanan(
                posyandu_id=pid, desa_kode=desa, periode=period_of(month), strata=result.code,
                nilai={**values, "tidak_tercatat": result.not_recorded},
                penahan=result.holding_back, aturan_versi=result.version,
            )
        )  # fmt: skip
    StrataBulanan.objects.filter(posyandu_id__in=list(ids), periode=period_of(month)).delete()
    StrataBulanan.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def today() -> date:
    return timezone.localdate()


def workspace_save(
    *, form: Any, kode: str, entity: str, rapat: Any = None, version: int | None = None
) -> Any:
    """Save a workspace form; members and meetings belong to the workspace's region.
    The Record base audits every create and change (actor from the request). An edit saves
    only over the `version` it was made from (StaleRecord otherwise)."""
    obj = form.save(commit=False)
    if entity in ("anggota", "rapat") and not obj.wilayah_id:
        obj.wilayah_id = kode
    if entity == "tindak" and rapat is not None:
        obj.rapat = rapat
    save_if_current(obj, version if obj.pk else None)
    form.save_m2m()
    return obj
