"""Keeps RekapLayanan current: a changed service record recomputes its Posyandu's year(s).

One Posyandu-year reads only that Posyandu's people and their records (a few queries), so a
listener finishes in milliseconds inside the saving transaction, like the SKDN rows.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from posyandu.audit.recorder import log
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.build import coverage_counts
from posyandu.laporan.build.rollup import roll_up_layanan
from posyandu.laporan.models import RekapLayanan
from posyandu.wilayah.models import in_region


def cakupan_recompute(
    *, posyandu_id: int, years: Iterable[int], only_balita: bool = False, roll_up: bool = True
) -> int:
    """Replace the rows of the Posyandu for these years (only spm_balita with `only_balita`)
    and, unless a rebuild rolls up at its end, its kecamatan's sums. Returns rows written."""
    today = timezone.localdate()
    years = sorted({y for y in years if y <= today.year})
    desa = Posyandu.objects.filter(id=posyandu_id).values_list("desa_id", flat=True).first()
    if desa is None or not years:
        return 0
    rows = []
    for year in years:
        for (periode, kode), (num, den) in coverage_counts.posyandu_year(
            posyandu_id, year, today, only_balita=only_balita
        ).items():
            rows.append(
                RekapLayanan(
                    posyandu_id=posyandu_id,
                    desa_kode=desa,
                    periode=periode,
                    kode=kode,
                    pembilang=num,
                    penyebut=den,
                )
            )
    stale = Q()
    for year in years:
        stale |= Q(periode__startswith=f"{year:04d}")
    with transaction.atomic():
        old = RekapLayanan.objects.filter(stale, posyandu_id=posyandu_id)
        if only_balita:
            old = old.filter(kode="spm_balita")
        old.delete()
        RekapLayanan.objects.bulk_create(rows, batch_size=2000)
        if roll_up:
            only = "spm_balita" if only_balita else ""
            roll_up_layanan(years=years, kecamatan=[desa[:8]], only=only)
    return len(rows)


def cakupan_rebuild(*, prefix: str = "", years: Iterable[int]) -> int:
    """Full rebuild of these years for every Posyandu under `prefix` (all if '')."""
    posyandu = Posyandu.objects.order_by("desa_id", "id")
    if prefix:
        posyandu = posyandu.filter(in_region("desa__kode", prefix))
    years = list(years)
    written = sum(
        cakupan_recompute(posyandu_id=pid, years=years, roll_up=False)
        for pid in posyandu.values_list("id", flat=True)
    )
    if len(prefix) >= 8:
        roll_up_layanan(years=years, kecamatan=[prefix[:8]])
    else:
        roll_up_layanan(years=years, prefix=prefix + "." if prefix else "")
    log(
        "import",
        model="laporan.RekapLayanan",
        wilayah_kode=prefix,
        metadata={"rebuild": True, "years": years, "rows": written},
    )
    return written
