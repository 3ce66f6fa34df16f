"""The per-region sums every region page reads always equal the Posyandu rows at each level
(desa, kecamatan, kab/kota, province), whether listeners added their differences or a rebuild
summed everything again. Today is 15 June 2025 (conftest)."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from posyandu.core.periods import month_index
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi.models import Imunisasi
from posyandu.laporan import coverage_selectors, listeners, selectors
from posyandu.laporan.build import rebuild
from posyandu.laporan.build.rekap_bulanan import rekap_recompute
from posyandu.laporan.build.rollup import chain
from posyandu.laporan.models import LayananWilayah, RekapBulanan, RekapLayanan, RekapWilayah
from posyandu.laporan.skdn import FIELDS
from posyandu.laporan.tests.factories import child, weigh
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran

pytestmark = pytest.mark.django_db

JUNE = month_index(date(2025, 6, 1))


def skdn_summed() -> dict[tuple[str, str, str, str], tuple[int, ...]]:
    """(region, parent, periode, jk) -> counts, summed from the Posyandu rows."""
    sums: dict[tuple[str, str, str, str], tuple[int, ...]] = {}
    for row in RekapBulanan.objects.values("desa_kode", "periode", "jk", *FIELDS):
        for region, parent in chain(row["desa_kode"]):
            key = (region, parent, row["periode"], row["jk"])
            old = sums.get(key, (0,) * len(FIELDS))
            sums[key] = tuple(a + row[f] for a, f in zip(old, FIELDS, strict=True))
    return sums


def skdn_stored() -> dict[tuple[str, str, str, str], tuple[int, ...]]:
    rows = RekapWilayah.objects.values_list("wilayah_kode", "induk_kode", "periode", "jk", *FIELDS)
    return {(r[0], r[1], r[2], r[3]): tuple(r[4:]) for r in rows}


def coverage_summed() -> Counter[tuple[str, str, str, str, str]]:
    found: Counter[tuple[str, str, str, str, str]] = Counter()
    for desa, periode, ind, num, den in RekapLayanan.objects.values_list(
        "desa_kode", "periode", "kode", "pembilang", "penyebut"
    ):
        for region, parent in chain(desa):
            found[(region, parent, periode, ind, "n")] += num
            found[(region, parent, periode, ind, "d")] += den
    return found


def coverage_stored() -> Counter[tuple[str, str, str, str, str]]:
    found: Counter[tuple[str, str, str, str, str]] = Counter()
    for region, parent, periode, ind, num, den in LayananWilayah.objects.values_list(
        "wilayah_kode", "induk_kode", "periode", "kode", "pembilang", "penyebut"
    ):
        assert num or den, "a sum of zero over zero has no row"
        found[(region, parent, periode, ind, "n")] = num
        found[(region, parent, periode, ind, "d")] = den
    return found


def assert_agree() -> None:
    stored, summed = skdn_stored(), skdn_summed()
    # Every month with Posyandu rows has its region rows (zeros too); a row left at zero by
    # a Posyandu that moved away changes no figure.
    assert summed.keys() <= stored.keys()
    nonzero = {k: v for k, v in stored.items() if any(v)}
    assert nonzero == {k: v for k, v in summed.items() if any(v)}
    assert +coverage_stored() == +coverage_summed()


def test_listeners_keep_the_region_sums_equal_to_the_posyandu_rows(world):
    a, b, c = world.posyandu_a, world.posyandu_b, world.posyandu_c
    kids = [child(a, date(2024, 1, 5)), child(b, date(2023, 7, 1), "P"), child(c, date(2024, 8, 2))]
    for kid in kids:
        weigh(kid, date(2025, 5, 10), "9.10")
        weigh(kid, date(2025, 6, 3), "9.40")
    Imunisasi.objects.create(sasaran=kids[2], vaksin="BCG", tanggal=date(2025, 6, 3),
                             tempat="posyandu")  # fmt: skip
    assert RekapWilayah.objects.exists() and LayananWilayah.objects.exists()
    assert {len(k) for k in RekapWilayah.objects.values_list("wilayah_kode", flat=True)} == {
        2, 5, 8, 13
    }  # fmt: skip
    assert_agree()

    moved = Pengukuran.objects.get(sasaran=kids[0], tanggal=date(2025, 6, 3))
    moved.tanggal = date(2025, 4, 20)
    moved.save()
    assert_agree()
    moved.delete()  # soft delete: the person is weighed in May only
    assert_agree()

    # The child leaves: June loses one S, the coverage rows of the year follow.
    gone = Sasaran.objects.get(id=kids[1].id)
    gone.status, gone.status_sejak = "pindah", date(2025, 6, 1)
    gone.save()
    assert_agree()

    # The province page: the same as its two kecamatan pages.
    province = selectors.total(kode="14", month=JUNE)
    kec = [selectors.total(kode=k, month=JUNE) for k in ("14.71.01", "14.71.02")]
    assert province["s"] == sum(f["s"] for f in kec) == 2
    assert province["d"] == sum(f["d"] for f in kec) == 1
    units = {u.kode: u.figures["d"] for u in selectors.units_below(kode="14.71", month=JUNE)}
    assert units == {"14.71.01": 0, "14.71.02": 1}
    cells = coverage_selectors.totals(kode="14", month=JUNE)
    summed: Counter[tuple[str, str]] = Counter()
    for k in ("14.71.01", "14.71.02"):
        for code, cell in coverage_selectors.totals(kode=k, month=JUNE).items():
            summed[(code, "n")] += cell.num
            summed[(code, "d")] += cell.den
    province_cells = Counter({(c, "n"): v.num for c, v in cells.items()})
    province_cells.update({(c, "d"): v.den for c, v in cells.items()})
    assert +province_cells == +summed
    assert cells["spm_balita"].den == 2
    below = coverage_selectors.units_below(kode="14.71", month=JUNE)
    assert (below["14.71.01"]["spm_balita"].den, below["14.71.02"]["spm_balita"].den) == (1, 1)
    # A region's cells summed from its units are its own cells.
    assert coverage_selectors.summed(below) == coverage_selectors.totals(kode="14.71", month=JUNE)


def test_a_posyandu_that_moves_takes_its_sums_along(world):
    kid = child(world.posyandu_a, date(2024, 1, 5))
    weigh(kid, date(2025, 6, 3), "9.40")
    before = world.posyandu_a.desa_id
    other = world.posyandu_c.desa_id
    assert before[:8] != other[:8]
    Posyandu.objects.filter(id=world.posyandu_a.id).update(desa_id=other)
    rekap_recompute(posyandu_ids=[world.posyandu_a.id], months=[JUNE - 1, JUNE])
    assert_agree()
    june = {u.kode: u.figures["s"] for u in selectors.units_below(kode="14.71", month=JUNE)}
    assert june[before[:8]] == 0 and june[other[:8]] == 1


def test_an_unchanged_recompute_writes_nothing(world):
    kid = child(world.posyandu_b, date(2024, 2, 2))
    weigh(kid, date(2025, 6, 3), "8.80")
    assert rekap_recompute(posyandu_ids=[world.posyandu_b.id], months=[JUNE]) == 0
    assert_agree()


def test_rebuild_writes_the_region_sums(world):
    kid = child(world.posyandu_b, date(2024, 2, 2))
    weigh(kid, date(2025, 6, 3), "8.80")
    RekapWilayah.objects.all().delete()
    LayananWilayah.objects.all().delete()
    rebuild(prefix="14", start=JUNE - 2, end=JUNE)
    assert_agree()
    # Silent months of every Posyandu are there too (S counted, nothing entered).
    april = selectors.total(kode="14.71", month=JUNE - 2)
    assert (april["s"], april["d"]) == (1, 0)


def test_rebuild_of_one_kecamatan_keeps_the_levels_above_right(world):
    kids = [child(world.posyandu_a, date(2024, 1, 5)), child(world.posyandu_c, date(2024, 8, 2))]
    for kid in kids:
        weigh(kid, date(2025, 6, 3), "9.40")
    kecamatan = world.posyandu_a.desa_id[:8]
    # Rows of the kecamatan drift (as after a restore of an old copy), then its rebuild.
    june = RekapWilayah.objects.filter(periode="2025-06")
    june.filter(wilayah_kode__startswith=kecamatan).update(s=7)
    june.filter(wilayah_kode__in=["14", "14.71"]).update(d=9)
    rebuild(prefix=kecamatan, start=JUNE - 1, end=JUNE)
    assert_agree()


def test_a_corrected_weight_recomputes_no_coverage_a_moved_weighing_does(world):
    kid = child(world.posyandu_a, date(2024, 1, 5))
    weighing = Pengukuran.objects.get(id=weigh(kid, date(2025, 6, 3), "9.40").id)
    weighing.berat_kg = Decimal("9.50")  # spm_balita counts months weighed, not weights
    assert listeners.cakupan_keys_of_measurement(weighing, False) == set()
    weighing.tanggal = date(2025, 5, 30)
    assert listeners.cakupan_keys_of_measurement(weighing, False) == {
        listeners.PersonYear(kid.id, 2025, only_balita=True)
    }
