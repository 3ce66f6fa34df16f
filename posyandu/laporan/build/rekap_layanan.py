"""Keeps RekapLayanan current: a changed service record recomputes its Posyandu's year(s).

One Posyandu-year reads only that Posyandu's people and their records (a few queries) and
writes only the rows that changed, adding the differences to the regions above
(build/rollup.py), so a listener finishes in milliseconds inside the saving transaction, like
the SKDN rows.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from posyandu.audit.recorder import log
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan.build import coverage_counts
from posyandu.laporan.build.rollup import add_layanan, layanan_periods, roll_up_layanan
from posyandu.laporan.models import RekapLayanan
from posyandu.wilayah.models import in_region


def cakupan_recompute(
    *, posyandu_id: int, years: Iterable[int], only_balita: bool = False, roll_up: bool = True
) -> int:
    """Recompute the rows of the Posyandu for these years (only spm_balita with
    `only_balita`), writing only the rows that changed, and (unless a rebuild rolls up at its
    end) add the differences to the regions above. Returns rows written or deleted."""
    today = timezone.localdate()
    years = sorted({y for y in years if y <= today.year})
    if not years:
        return 0
    # No savepoint inside a save: a failure rolls the whole save back anyway.
    with transaction.atomic(savepoint=False):
        found = Posyandu.objects.filter(id=posyandu_id)
        if roll_up:  # one recompute of a Posyandu at a time (see rekap_recompute)
            found = found.select_for_update()
        desa = found.values_list("desa_id", flat=True).first()
        if desa is None:
            return 0
        new: dict[tuple[str, str], tuple[int, int]] = {}
        for year in years:
            for key, (num, den) in coverage_counts.posyandu_year(
                posyandu_id, year, today, only_balita=only_balita
            ).items():
                new[key] = (num, den)
        old_rows = RekapLayanan.objects.filter(
            posyandu_id=posyandu_id, periode__in=layanan_periods(years)
        )
        if only_balita:
            old_rows = old_rows.filter(kode="spm_balita")
        old = {
            (periode, kode): (pk, desa_kode, (num, den))
            for pk, desa_kode, periode, kode, num, den in old_rows.values_list(
                "id", "desa_kode", "periode", "kode", "pembilang", "penyebut"
            ).order_by()
        }
        changed = [k for k, v in new.items() if k not in old or old[k][1:] != (desa, v)]
        gone = [k for k in old if k not in new]
        stale = [old[k][0] for k in (*changed, *gone) if k in old]
        if stale:
            RekapLayanan.objects.filter(id__in=stale).delete()
        RekapLayanan.objects.bulk_create(
            [
                RekapLayanan(
                    posyandu_id=posyandu_id,
                    desa_kode=desa,
                    periode=periode,
                    kode=kode,
                    pembilang=new[(periode, kode)][0],
                    penyebut=new[(periode, kode)][1],
                )
                for periode, kode in changed
            ],
            batch_size=2000,
        )
        if roll_up:
            add_layanan(
                {(old[k][1], *k): old[k][2] for k in (*changed, *gone) if k in old},
                {(desa, *k): new[k] for k in changed},
            )
    return len(changed) + len(gone)


def cakupan_rebuild(*, prefix: str = "", years: Iterable[int]) -> int:
    """Full rebuild of these years for every Posyandu under `prefix` (all if ''). Returns
    rows written or deleted (rows already right are left alone)."""
    posyandu = Posyandu.objects.order_by("desa_id", "id")
    if prefix:
        posyandu = posyandu.filter(in_region("desa__kode", prefix))
    years = list(years)
    written = sum(
        cakupan_recompute(posyandu_id=pid, years=years, roll_up=False)
        for pid in posyandu.values_list("id", flat=True)
    )
    roll_up_layanan(years=years, prefix=prefix)
    log(
        "import",
        model="laporan.RekapLayanan",
        wilayah_kode=prefix,
        metadata={"rebuild": True, "years": years, "rows": written},
    )
    return written
