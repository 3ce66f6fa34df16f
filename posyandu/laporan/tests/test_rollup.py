"""The per-kecamatan sums the province and kab/kota pages read always equal the Posyandu rows
(listeners, rebuild and deletes of base rows alike). Today is 15 June 2025 (conftest)."""

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db.models.functions import Substr

from posyandu.core.periods import month_index
from posyandu.imunisasi.models import Imunisasi
from posyandu.laporan import coverage_selectors, selectors
from posyandu.laporan.build import rebuild
from posyandu.laporan.models import LayananKecamatan, RekapBulanan, RekapKecamatan, RekapLayanan
from posyandu.laporan.skdn import FIELDS
from posyandu.laporan.tests.factories import child, weigh
from posyandu.sesi.models import Pengukuran

pytestmark = pytest.mark.django_db

JUNE = month_index(date(2025, 6, 1))


def skdn_by_kecamatan(model: Any) -> dict[tuple[str, str, str], tuple[int, ...]]:
    sums: dict[tuple[str, str, str], list[int]] = {}
    for row in model.objects.annotate(
        kec=Substr("desa_kode" if model is RekapBulanan else "kecamatan_kode", 1, 8)
    ).values():
        key = (row["kec"], row["periode"], row["jk"])
        old = sums.setdefault(key, [0] * len(FIELDS))
        sums[key] = [a + row[f] for a, f in zip(old, FIELDS, strict=True)]
    return {k: tuple(v) for k, v in sums.items() if any(v)}  # fmt: skip


def coverage_by_kecamatan(model: Any) -> Counter[tuple[str, str, str, str]]:
    field = "desa_kode" if model is RekapLayanan else "kecamatan_kode"
    found: Counter[tuple[str, str, str, str]] = Counter()
    for kode, periode, ind, num, den in model.objects.values_list(
        field, "periode", "kode", "pembilang", "penyebut"
    ):
        found[(kode[:8], periode, ind, "n")] += num
        found[(kode[:8], periode, ind, "d")] += den
    return +found  # zeros dropped


def assert_agree() -> None:
    assert skdn_by_kecamatan(RekapKecamatan) == skdn_by_kecamatan(RekapBulanan)
    assert coverage_by_kecamatan(LayananKecamatan) == coverage_by_kecamatan(RekapLayanan)


def test_listeners_keep_the_kecamatan_sums_equal_to_the_posyandu_rows(world):
    a, b, c = world.posyandu_a, world.posyandu_b, world.posyandu_c
    kids = [child(a, date(2024, 1, 5)), child(b, date(2023, 7, 1), "P"), child(c, date(2024, 8, 2))]
    for kid in kids:
        weigh(kid, date(2025, 5, 10), "9.10")
        weigh(kid, date(2025, 6, 3), "9.40")
    Imunisasi.objects.create(sasaran=kids[2], vaksin="BCG", tanggal=date(2025, 6, 3),
                             tempat="posyandu")  # fmt: skip
    assert RekapKecamatan.objects.exists() and LayananKecamatan.objects.exists()
    assert_agree()

    moved = Pengukuran.objects.get(sasaran=kids[0], tanggal=date(2025, 6, 3))
    moved.tanggal = date(2025, 4, 20)
    moved.save()
    assert_agree()

    # The province page sums the kecamatan rows: the same as its two kecamatan pages.
    province = selectors.total(kode="14", month=JUNE)
    kec = [selectors.total(kode=k, month=JUNE) for k in ("14.71.01", "14.71.02")]
    assert province["s"] == sum(f["s"] for f in kec) == 3
    assert province["d"] == sum(f["d"] for f in kec) == 2
    units = {u.kode: u.figures["d"] for u in selectors.units_below(kode="14.71", month=JUNE)}
    assert units == {"14.71.01": 1, "14.71.02": 1}
    cells = coverage_selectors.totals(kode="14", month=JUNE)
    summed: Counter[tuple[str, str]] = Counter()
    for k in ("14.71.01", "14.71.02"):  # kecamatan pages read the Posyandu rows
        for code, cell in coverage_selectors.totals(kode=k, month=JUNE).items():
            summed[(code, "n")] += cell.num
            summed[(code, "d")] += cell.den
    province_cells = Counter({(c, "n"): v.num for c, v in cells.items()})
    province_cells.update({(c, "d"): v.den for c, v in cells.items()})
    assert +province_cells == +summed
    assert cells["spm_balita"].den == 3
    below = coverage_selectors.units_below(kode="14.71", month=JUNE)
    assert (below["14.71.01"]["spm_balita"].den, below["14.71.02"]["spm_balita"].den) == (2, 1)


def test_rebuild_writes_the_kecamatan_sums(world):
    kid = child(world.posyandu_b, date(2024, 2, 2))
    weigh(kid, date(2025, 6, 3), "8.80")
    RekapKecamatan.objects.all().delete()
    LayananKecamatan.objects.all().delete()
    rebuild(prefix="14", start=JUNE - 2, end=JUNE)
    assert_agree()
    # Silent months of every Posyandu are there too (S counted, nothing entered).
    april = selectors.total(kode="14.71", month=JUNE - 2)
    assert (april["s"], april["d"]) == (1, 0)
