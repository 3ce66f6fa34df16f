"""Keeps RekapLayanan current: a changed service record recomputes its Posyandu's year(s).

One Posyandu-year reads only that Posyandu's people and their records (a few queries), so a
listener finishes in milliseconds inside the saving transaction, like the SKDN rows.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from posyandu.audit.recorder import log
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import coverage
from posyandu.laporan.models import RekapLayanan
from posyandu.sasaran.models import Sasaran
from posyandu.wilayah.models import in_region


def cakupan_recompute(*, posyandu_id: int, years: Iterable[int], only_balita: bool = False) -> int:
    """Replace the rows of the Posyandu for these years (only spm_balita with `only_balita`).
    Returns rows written."""
    today = timezone.localdate()
    years = sorted({y for y in years if y <= today.year})
    desa = Posyandu.objects.filter(id=posyandu_id).values_list("desa_id", flat=True).first()
    if desa is None or not years:
        return 0
    rows = []
    for year in years:
        for (periode, kode), (num, den) in coverage.posyandu_year(
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
    return len(rows)


def cakupan_rebuild(*, prefix: str = "", years: Iterable[int]) -> int:
    """Full rebuild of these years for every Posyandu under `prefix` (all if '')."""
    posyandu = Posyandu.objects.order_by("desa_id", "id")
    if prefix:
        posyandu = posyandu.filter(in_region("desa__kode", prefix))
    years = list(years)
    written = sum(
        cakupan_recompute(posyandu_id=pid, years=years)
        for pid in posyandu.values_list("id", flat=True)
    )
    log(
        "import",
        model="laporan.RekapLayanan",
        wilayah_kode=prefix,
        metadata={"rebuild": True, "years": years, "rows": written},
    )
    return written


def _years_of(*days: date | None) -> set[int]:
    # A record dated in December can end a cohort counted the next year (first birthday,
    # follow-up month): refresh the following year too.
    return {y for d in days if d is not None for y in (d.year, d.year + 1)}


def _refresh(sasaran_ids: Iterable[int | None], days: Iterable[date | None]) -> None:
    ids = [i for i in set(sasaran_ids) if i is not None]
    posyandu_ids = set(Sasaran.all_objects.filter(id__in=ids).values_list("posyandu_id", flat=True))
    years = _years_of(*days)
    for pid in posyandu_ids:
        cakupan_recompute(posyandu_id=pid, years=years)


def _loaded(record: Any) -> dict[str, Any]:
    return getattr(record, "_loaded", {}) or {}


def on_person_record_changed(record: Any, created: bool) -> None:
    """Imunisasi, HasilSkrining, Rujukan, Pengukuran: records with sasaran and tanggal."""
    old = _loaded(record)
    _refresh([record.sasaran_id, old.get("sasaran_id")], [record.tanggal, old.get("tanggal")])


def on_pengukuran_changed(record: Any, created: bool) -> None:
    """Only spm_balita reads weighings, and only of the measurement's own year: keep the
    per-measurement cost low (the incremental-update target is 50 ms)."""
    old = _loaded(record)
    ids = {record.sasaran_id, old.get("sasaran_id") or record.sasaran_id}
    years = {d.year for d in (record.tanggal, old.get("tanggal")) if d is not None}
    for pid in set(Sasaran.all_objects.filter(id__in=ids).values_list("posyandu_id", flat=True)):
        cakupan_recompute(posyandu_id=pid, years=years, only_balita=True)


def on_kehamilan_changed(record: Any, created: bool) -> None:
    days = [record.hpl, record.status_sejak, _loaded(record).get("hpl"), timezone.localdate()]
    _refresh([record.sasaran_id], days)


def on_kehamilan_child_changed(record: Any, created: bool) -> None:
    """KunjunganAnc / Persalinan: refresh the pregnancy's year (ends at delivery or HPL)."""
    k = record.kehamilan
    _refresh([k.sasaran_id], [record.tanggal, k.hpl])


def on_nifas_changed(record: Any, created: bool) -> None:
    p = record.persalinan
    _refresh([p.kehamilan.sasaran_id], [p.tanggal])


def on_sasaran_changed(record: Sasaran, created: bool) -> None:
    old = _loaded(record)
    posyandu_ids = {record.posyandu_id, old.get("posyandu_id") or record.posyandu_id}
    maintained = set(
        RekapLayanan.objects.filter(posyandu_id__in=posyandu_ids, periode__regex=r"^\d{4}$")
        .values_list("periode", flat=True)
        .distinct()
    )
    years = {int(p) for p in maintained} | {timezone.localdate().year}
    for pid in posyandu_ids:
        cakupan_recompute(posyandu_id=pid, years=years)
