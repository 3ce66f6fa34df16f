"""Per-kecamatan sums of the report tables, for the province and kab/kota dashboards.

RekapKecamatan and LayananKecamatan hold RekapBulanan and RekapLayanan summed per kecamatan:
a province page reads a few hundred rows instead of tens of thousands (or a million coverage
rows). Every write of the base rows calls `roll_up_*` for the kecamatan and periods it
touched, in the same transaction, so the two levels always agree; the rebuilds write the base
rows first and roll up once at the end.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Substr

from posyandu.laporan.models import LayananKecamatan, RekapBulanan, RekapKecamatan, RekapLayanan
from posyandu.laporan.skdn import FIELDS


def _levels(kecamatan: str) -> dict[str, str]:
    return {
        "provinsi_kode": kecamatan[:2],
        "kabkota_kode": kecamatan[:5],
        "kecamatan_kode": kecamatan,
    }


def _kecamatan_filter(kecamatan: Iterable[str] | None, prefix: str, field: str) -> Q:
    if kecamatan is not None:
        return Q(**{f"{field}__in": sorted(set(kecamatan))})
    if prefix:
        return Q(**{f"{field}__startswith": prefix})
    return Q()


def roll_up_rekap(
    *, periods: Iterable[str], kecamatan: Iterable[str] | None = None, prefix: str = ""
) -> int:
    """Rewrite RekapKecamatan of these periods for these kecamatan codes (or every kecamatan
    under `prefix` when None). Returns rows written."""
    periods = sorted(set(periods))
    if kecamatan is not None:
        kecamatan = sorted(set(kecamatan))
        if not kecamatan:
            return 0
    if not periods:
        return 0
    base = RekapBulanan.objects.annotate(kec=Substr("desa_kode", 1, 8)).filter(
        _kecamatan_filter(kecamatan, prefix, "kec"), periode__in=periods
    )
    sums = base.values("kec", "periode", "jk").annotate(**{f"{f}_": Sum(f) for f in FIELDS})
    rows = [
        RekapKecamatan(
            **_levels(r["kec"]),
            periode=r["periode"],
            jk=r["jk"],
            **{f: r[f"{f}_"] or 0 for f in FIELDS},
        )
        for r in sums.order_by()
    ]
    with transaction.atomic():
        RekapKecamatan.objects.filter(
            _kecamatan_filter(kecamatan, prefix, "kecamatan_kode"), periode__in=periods
        ).delete()
        RekapKecamatan.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def roll_up_layanan(
    *,
    years: Iterable[int],
    kecamatan: Iterable[str] | None = None,
    prefix: str = "",
    only: str = "",
) -> int:
    """Rewrite LayananKecamatan of these years (the year and its months) for these kecamatan
    (or every kecamatan under `prefix` when None); `only` one indicator code. Returns rows."""
    years = sorted(set(years))
    if kecamatan is not None:
        kecamatan = sorted(set(kecamatan))
        if not kecamatan:
            return 0
    if not years:
        return 0
    # The year and its twelve months by name: an IN list the indexes answer (a LIKE prefix
    # uses none on a non-C collation).
    periods = [f"{y:04d}" for y in years] + [
        f"{y:04d}-{m:02d}" for y in years for m in range(1, 13)
    ]
    in_years = Q(periode__in=periods)
    if only:
        in_years &= Q(kode=only)
    base = RekapLayanan.objects.annotate(kec=Substr("desa_kode", 1, 8)).filter(
        _kecamatan_filter(kecamatan, prefix, "kec"), in_years
    )
    sums = base.values("kec", "periode", "kode").annotate(n=Sum("pembilang"), d=Sum("penyebut"))
    rows = [
        LayananKecamatan(
            **_levels(r["kec"]),
            periode=r["periode"],
            kode=r["kode"],
            pembilang=r["n"] or 0,
            penyebut=r["d"] or 0,
        )
        for r in sums.order_by()
    ]
    with transaction.atomic():
        LayananKecamatan.objects.filter(
            _kecamatan_filter(kecamatan, prefix, "kecamatan_kode"), in_years
        ).delete()
        LayananKecamatan.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
