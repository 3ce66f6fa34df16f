from datetime import date
from types import SimpleNamespace

import pytest

import growthstandards as gs
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import plausibility
from posyandu.sesi.growth import measurement_evaluate
from posyandu.sesi.services import measurement_record
from posyandu.sesi.summary import skdn

BORN = date(2025, 1, 15)


@pytest.fixture
def boy(world):
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=BORN, jenis_kelamin="L")


def test_b_n_t_2t_o_with_the_kbm(boy):
    # (date, kg, expected status, KBM g, 2T): ages 8, 9, 10, 11 completed months, then a gap.
    steps = [
        (date(2025, 10, 10), 8.0, "B", 300, False),
        (date(2025, 11, 10), 8.3, "N", 300, False),  # +300 g = KBM(9 mo) 300 -> N
        (date(2025, 12, 10), 8.5, "T", 300, False),  # +200 g < 300 -> T
        (date(2026, 1, 10), 8.6, "T", 300, True),  # T after T -> 2T
        (date(2026, 3, 10), 9.0, "O", 200, False),  # no February weighing -> O; 13 mo
    ]
    for tanggal, kg, status, kbm, is_2t in steps:
        result = measurement_record(sasaran=boy, tanggal=tanggal, by=None, berat_kg=kg)
        p = result.pengukuran
        assert (p.status_bb, p.kbm_g, result.is_2t) == (status, kbm, is_2t), tanggal
        assert ("2T" in result.referral_reasons) is is_2t


def test_zscores_equal_the_engine_and_carry_versions(boy):
    p = measurement_record(
        sasaran=boy,
        tanggal=date(2026, 1, 10),
        by=None,
        berat_kg=8.6,
        tinggi_cm=72.0,
        cara_ukur="terlentang",
    ).pengukuran
    want = gs.zscores_one(sex=1, age_days=360, weight=8.6, lenhei=72.0, measure="l")
    assert (p.umur_hari, p.zwei, p.zlen, p.zwfl) == (360, want["zwei"], want["zlen"], want["zwfl"])
    category = gs.classify("bb_u", want["zwei"])
    assert category is not None
    assert p.kategori["bb_u"] == category.code
    assert p.mesin_versi.startswith(f"gs {gs.ENGINE_VERSION}")
    assert "posyandu-plausibility@1" in p.mesin_versi


@pytest.mark.parametrize(("cara_ukur", "measure"), [("terlentang", "l"), ("berdiri", "h")])
def test_the_position_reaches_the_engine_as_its_who_letter(boy, cara_ukur, measure):
    p = measurement_evaluate(
        sasaran=boy, tanggal=date(2026, 1, 10), berat_kg=8.6, tinggi_cm=72.0, cara_ukur=cara_ukur
    ).pengukuran
    want = gs.zscores_one(sex=1, age_days=360, weight=8.6, lenhei=72.0, measure=measure)
    assert (p.cara_ukur, p.zlen, p.zwfl) == (cara_ukur, want["zlen"], want["zwfl"])
    lying = gs.zscores_one(sex=1, age_days=360, weight=8.6, lenhei=72.0, measure="l")
    assert (p.zlen == lying["zlen"]) is (measure == "l")  # standing adds 0.7 cm


def test_below_minus_3_and_gizi_buruk_suggest_referral(boy):
    result = measurement_evaluate(
        sasaran=boy, tanggal=date(2026, 1, 10), berat_kg=5.5, tinggi_cm=72.0, cara_ukur="terlentang"
    )
    assert result.pengukuran.zwei is not None
    assert result.pengukuran.zwei < -3
    assert result.pengukuran.kategori["bb_pb_tb"] == "gizi_buruk"
    assert result.referral_reasons == ["bb_u_below_-3sd", "gizi_buruk"]
    danger = measurement_evaluate(
        sasaran=boy, tanggal=date(2026, 1, 10), berat_kg=9, danger_signs=True
    )
    assert danger.referral_reasons == ["tanda_bahaya"]


def prev(tanggal, kg=None, cm=None, cara="terlentang"):
    return SimpleNamespace(tanggal=tanggal, berat_kg=kg, tinggi_cm=cm, cara_ukur=cara)


@pytest.mark.parametrize(
    ("kg", "cm", "cara", "expected"),
    [
        (9.0, 75.0, "terlentang", []),
        (7.74, 75.0, "terlentang", []),  # -10.0%: at the limit, plausible
        (7.73, 75.0, "terlentang", ["bb_turun"]),  # -10.1%
        (10.2, 75.0, "terlentang", []),  # +1.6 kg; limit 1.6 kg x 31/30.4375 months = 1.63
        (10.3, 75.0, "terlentang", ["bb_naik"]),
        (9.0, 73.5, "terlentang", []),  # -1.5 cm: at the limit
        (9.0, 73.4, "terlentang", ["pb_turun"]),
        (9.0, 74.0, "berdiri", []),  # standing 74.0 = lying 74.7
        (9.0, 81.1, "terlentang", []),  # +6.1 cm; limit 6 cm x 31/30.4375 months = 6.11
        (9.0, 81.2, "terlentang", ["pb_naik"]),
    ],
)
def test_plausibility_against_the_last_visit(kg, cm, cara, expected):
    last = prev(date(2026, 1, 10), 8.6, 75.0)
    found = plausibility.implausible_reasons(
        tanggal=date(2026, 2, 10),
        berat_kg=kg,
        tinggi_cm=cm,
        cara_ukur=cara,
        flags={},
        previous=last,
    )
    assert found == expected


def test_plausibility_ignores_old_visits_and_reports_who_flags():
    last = prev(date(2025, 10, 1), 12.0, 80.0)  # 132 days ago: outside the 62-day window
    flags = {"fwei": True, "flen": False}
    found = plausibility.implausible_reasons(
        tanggal=date(2026, 2, 10),
        berat_kg=6.0,
        tinggi_cm=70,
        cara_ukur="terlentang",
        flags=flags,
        previous=last,
    )
    assert found == ["who_flag:fwei"]


def test_each_who_flag_names_its_index():
    labels = [plausibility.label(c) for c in ("who_flag:fwei", "who_flag:fwfl", "who_flag:fbmi")]
    assert labels == [
        "Nilai di luar batas wajar WHO (flag): BB/U",
        "Nilai di luar batas wajar WHO (flag): BB/PB, BB/TB",
        "Nilai di luar batas wajar WHO (flag): IMT/U",
    ]
    assert plausibility.label("bb_turun") == (
        "Berat turun lebih dari 10% sejak pengukuran terakhir"
    )
    assert plausibility.label("no_such_rule") == "no_such_rule"


def test_implausible_value_is_kept_and_marked(boy):
    measurement_record(
        sasaran=boy,
        tanggal=date(2026, 1, 10),
        by=None,
        berat_kg=8.6,
        tinggi_cm=75,
        cara_ukur="terlentang",
    )
    p = measurement_record(
        sasaran=boy,
        tanggal=date(2026, 2, 10),
        by=None,
        berat_kg=8.7,
        tinggi_cm=72,
        cara_ukur="terlentang",
    ).pengukuran
    p.refresh_from_db()
    assert p.tinggi_cm is not None
    assert float(p.tinggi_cm) == 72.0 and p.perlu_cek_ulang and p.alasan_cek_ulang == ["pb_turun"]


def test_retry_with_the_same_public_id_does_not_duplicate(boy):
    import uuid

    key = uuid.uuid4()
    a = measurement_record(
        sasaran=boy, tanggal=date(2026, 1, 10), by=None, berat_kg=8.6, public_id=key
    )
    b = measurement_record(
        sasaran=boy, tanggal=date(2026, 1, 10), by=None, berat_kg=9.9, public_id=key
    )
    assert a.pengukuran.pk == b.pengukuran.pk and boy.pengukuran.count() == 1


def test_skdn_of_a_month(world):
    a = world.posyandu_a
    c1 = SasaranFactory.create(posyandu=a, tanggal_lahir=BORN)  # weighed Feb and March
    c2 = SasaranFactory.create(posyandu=a, tanggal_lahir=date(2021, 4, 1))  # 59 months on 31-03
    SasaranFactory.create(posyandu=a, tanggal_lahir=date(2021, 3, 1))  # 60 months: not S
    SasaranFactory.create(
        posyandu=a, tanggal_lahir=date(2024, 1, 1), punya_buku_kia=False
    )  # S not K
    SasaranFactory.create(posyandu=a, tanggal_lahir=date(2024, 1, 1), status="pindah")  # not S
    SasaranFactory.create(
        posyandu=world.posyandu_b, tanggal_lahir=date(2024, 1, 1)
    )  # other Posyandu
    c3 = SasaranFactory.create(posyandu=a, tanggal_lahir=date(2023, 6, 1))  # weighed twice in March
    for tanggal, kg in ((date(2026, 2, 10), 9.0), (date(2026, 3, 10), 9.1)):  # T
        measurement_record(sasaran=c1, tanggal=tanggal, by=None, berat_kg=kg)
    measurement_record(sasaran=c2, tanggal=date(2026, 3, 10), by=None, berat_kg=15)  # B
    measurement_record(sasaran=c3, tanggal=date(2025, 12, 10), by=None, berat_kg=11)
    measurement_record(sasaran=c3, tanggal=date(2026, 3, 2), by=None, berat_kg=11.5)  # O
    measurement_record(sasaran=c3, tanggal=date(2026, 3, 20), by=None, berat_kg=11.6)  # O again
    result = skdn(a, date(2026, 3, 10))
    assert (result.s, result.k, result.d) == (4, 3, 3)
    assert (result.n, result.t, result.o, result.b) == (0, 1, 1, 1)
    assert result.ratios == {"K/S": "75%", "D/S": "75%", "N/D": "0%"}
