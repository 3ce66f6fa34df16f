import pytest
from django.urls import reverse

from posyandu.pokjanal.strata import classify

FULL = {"frekuensi": 8, "kader": 5, "ds": 50, "kia": 50, "kb": 50, "imunisasi": 50,
        "program_tambahan": True, "dana_sehat": 50}  # fmt: skip


def test_not_recorded_indicators_are_skipped_while_null():
    # KB and dana sehat have no record yet: a Posyandu meeting everything else is Purnama
    # (Mandiri adds only dana sehat, which nobody recorded), and the result says which
    # criteria were not checked.
    result = classify({**FULL, "kb": None, "dana_sehat": None})
    assert (result.code, result.holding_back) == ("purnama", ["dana_sehat"])
    assert result.not_recorded == ["dana_sehat", "kb"]
    # Once dana sehat is recorded at 50 %, Mandiri is reached from data (KB still skipped).
    assert classify({**FULL, "kb": None}).code == "mandiri"
    # A recorded indicator without data still holds it back.
    result = classify({**FULL, "kb": None, "dana_sehat": None, "kia": None})
    assert (result.code, result.holding_back) == ("madya", ["kia"])


def test_all_cut_offs_met_is_mandiri():
    assert classify(FULL).code == "mandiri" and classify(FULL).holding_back == []


@pytest.mark.parametrize(
    ("change", "code", "held_by"),
    [
        ({"frekuensi": 7}, "pratama", ["frekuensi"]),
        ({"kader": 4.9}, "pratama", ["kader"]),
        ({"ds": 49.9}, "madya", ["ds"]),
        ({"imunisasi": None}, "madya", ["imunisasi"]),
        ({"program_tambahan": False}, "madya", ["program_tambahan"]),
        ({"dana_sehat": 49}, "purnama", ["dana_sehat"]),
        ({"kia": 49.9}, "madya", ["kia"]),
        ({"kb": 49.9}, "madya", ["kb"]),  # evaluated once a KB value exists
    ],
)
def test_one_indicator_below_its_cut_off(change, code, held_by):
    result = classify({**FULL, **change})
    assert (result.code, result.holding_back) == (code, held_by)


@pytest.mark.django_db
def test_workspace_scope(client, world):
    from posyandu.pokjanal.models import Anggota
    from posyandu.pokjanal.services import strata_compute

    Anggota.objects.create(wilayah_id="14.71.01", nama="Camat Sukajadi", opd="Kecamatan")
    strata_compute(prefix="14.71.01", month=2025 * 12 + 3)
    client.force_login(world.pokjanal_kec)
    page = client.get(reverse("pokjanal:workspace", args=["14.71.01"]) + "?periode=2025-04")
    html = page.content.decode()
    assert page.status_code == 200 and "Camat Sukajadi" in html and "Posyandu Melati" in html
    assert "Pratama" in html  # 2 kader each, no weighing
    assert client.get(reverse("pokjanal:workspace", args=["14.71.02"])).status_code == 404
    client.force_login(world.kader_a)
    assert client.get(reverse("pokjanal:workspace", args=["14.71.01"])).status_code == 404


def _records_for_purnama(world, idl=(1, 2), k4=(1, 2)):
    """Posyandu A, 12 months to April 2025: weighed 8 months at D/S 50 %, 5 active kader,
    a running OPD program, and the given IDL / K4 coverage (numerator, denominator)."""
    from posyandu.kader.models import Kader
    from posyandu.laporan.models import RekapBulanan, RekapLayanan
    from posyandu.pokjanal.models import ProgramOpd

    a = world.posyandu_a
    for n in range(5 - Kader.objects.filter(posyandu=a, aktif=True).count()):
        Kader.objects.create(posyandu=a, nama=f"Kader {n}")
    for month in range(9, 17):  # 2024-09 .. 2025-04
        periode = f"{2024 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
        RekapBulanan.objects.create(
            posyandu=a, desa_kode=a.desa_id, periode=periode, jk="L", s=2, d=1
        )
    ProgramOpd.objects.create(
        opd="Dinsos", nama="PMT", desa_id=a.desa_id, posyandu=a, status="berjalan"
    )
    for kode, (num, den), periode in (("idl", idl, "2025-03"), ("anc_k4", k4, "2024-06")):
        RekapLayanan.objects.create(
            posyandu=a, desa_kode=a.desa_id, periode=periode, kode=kode, pembilang=num, penyebut=den
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("idl", "k4", "code", "held_by"),
    [
        # 50 % each: at the cut-offs; KB skipped, dana sehat not recorded stops it at Purnama
        ((1, 2), (1, 2), "purnama", ["dana_sehat"]),
        ((1, 3), (1, 2), "madya", ["imunisasi"]),  # 33.3 %
        ((1, 2), (0, 0), "madya", ["kia"]),  # no pregnancy ended: no KIA figure
    ],
)
def test_strata_from_coverage_records(world, idl, k4, code, held_by):
    from posyandu.pokjanal.models import StrataBulanan
    from posyandu.pokjanal.services import strata_compute

    _records_for_purnama(world, idl, k4)
    strata_compute(prefix="14.71.01.1001", month=2025 * 12 + 3)
    row = StrataBulanan.objects.get(posyandu=world.posyandu_a, periode="2025-04")
    assert (row.strata, row.penahan) == (code, held_by)
    assert row.nilai["frekuensi"] == 8 and row.nilai["ds"] == 50.0 and row.nilai["kader"] == 5
    assert row.nilai["tidak_tercatat"] == ["dana_sehat", "kb"]


@pytest.mark.django_db
def test_k4_outside_the_twelve_months_does_not_count(world):
    from posyandu.laporan.models import RekapLayanan
    from posyandu.pokjanal.models import StrataBulanan
    from posyandu.pokjanal.services import strata_compute

    _records_for_purnama(world)
    RekapLayanan.objects.filter(kode="anc_k4").update(periode="2024-04")  # 13 months back
    strata_compute(prefix="14.71.01.1001", month=2025 * 12 + 3)
    row = StrataBulanan.objects.get(posyandu=world.posyandu_a, periode="2025-04")
    assert row.nilai["kia"] is None and row.strata == "madya"
