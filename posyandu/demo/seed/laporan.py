"""Demo step: balita with 12 months of measurements where no earlier step made any, then the
monthly aggregates and the coverage rows of everything the earlier steps bulk-loaded."""

import random
from datetime import date

import numpy as np

from posyandu.core.periods import month_index
from posyandu.demo.synth import populate
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.build.rekap_bulanan import rekap_rebuild
from posyandu.laporan.build.rekap_layanan import cakupan_rebuild
from posyandu.sesi.models import Pengukuran

DEMO_REGIONS = ("14.71", "17.05")
CHILDREN_PER_POSYANDU = (12, 30)


def seed(rng: random.Random, today: date) -> dict[str, int]:
    end = month_index(today)
    counts: dict[str, int] = {}
    if not Pengukuran.objects.exists():
        posyandu = [
            (p.id, p.desa_id, rng.randint(*CHILDREN_PER_POSYANDU))
            for p in Posyandu.objects.filter(desa__kode__regex=r"^(14\.71|17\.05)\.").order_by("id")
        ]
        made = populate(posyandu, end, 12, np.random.default_rng(rng.randint(0, 10**6)))
        counts["balita_laporan"] = made["sasaran"]
        counts["pengukuran_laporan"] = made["pengukuran"]
    counts["rekap_bulanan"] = sum(
        rekap_rebuild(prefix=region, start=end - 12, end=end) for region in DEMO_REGIONS
    )
    # Coverage / SPM rows: earlier demo steps bulk-load records (no listeners run).
    counts["rekap_layanan"] = sum(
        cakupan_rebuild(prefix=region, years={(end - 12) // 12, end // 12})
        for region in DEMO_REGIONS
    )
    return counts
