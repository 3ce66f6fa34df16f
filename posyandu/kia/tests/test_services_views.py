from datetime import timedelta

import pytest
from django.urls import reverse

from posyandu.kia import selectors
from posyandu.kia.models import Kehamilan, KunjunganNifas
from posyandu.kia.services import (
    KiaError,
    anc_record,
    delivery_record,
    nifas_record,
    pregnancy_register,
    refresh_risk,
)
from posyandu.sasaran.life_stage import LifeStage, life_stage_of
from posyandu.sasaran.tests.factories import SasaranFactory
from tests.clock import TODAY


@pytest.fixture
def mother(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a,
        jenis_kelamin="P",
        # 38 and a half: 38 at any HPHT of the last months, whatever the day of the year.
        tanggal_lahir=TODAY - timedelta(days=round(38.5 * 365.25)),
    )


def test_register_anc_risk_and_life_stage(world, mother):
    k = pregnancy_register(
        sasaran=mother,
        tanggal_daftar=TODAY,
        by=world.kader_a,
        hpht=TODAY - timedelta(days=100),
        paritas=4,
    )
    assert k.dasar == "hpht" and k.risiko == ["terlalu_tua", "terlalu_banyak"]
    stamp = "risiko_kehamilan@kmk-2015-2023-4t+ambang-batas@2023.1"
    assert Kehamilan.objects.get(pk=k.pk).risiko_versi == stamp
    assert life_stage_of(mother, TODAY) == LifeStage.IBU_HAMIL
    anc_record(kehamilan=k, tanggal=TODAY, by=None, lila_cm=22.9, sistole=140, diastole=80)
    k.refresh_from_db()
    assert k.risiko == ["terlalu_tua", "terlalu_banyak", "kek", "hipertensi"]
    assert k.risiko_versi == stamp
    people = world.posyandu_a.sasaran.all()
    assert list(selectors.high_risk(people, TODAY)) == [k]
    assert [x[0] for x in selectors.anc_missed(people, TODAY)] == [k]  # no visit in T1
    with pytest.raises(KiaError):
        pregnancy_register(sasaran=mother, tanggal_daftar=TODAY, by=None, hpht=TODAY)


def _delivered_five_days_ago(mother):
    """Last period 280 days ago, registered 200 days ago, delivered 5 days ago."""
    k = pregnancy_register(
        sasaran=mother,
        tanggal_daftar=TODAY - timedelta(days=200),
        by=None,
        hpht=TODAY - timedelta(days=280),
    )
    return delivery_record(kehamilan=k, tanggal=TODAY - timedelta(days=5), by=None)


def test_delivery_nifas_windows_and_postpartum_state(world, mother):
    p = _delivered_five_days_ago(mother)
    assert life_stage_of(mother, TODAY) == LifeStage.IBU_NIFAS
    assert nifas_record(persalinan=p, jenis="KF", tanggal=TODAY, by=None).ke == 2
    with pytest.raises(KiaError):
        nifas_record(persalinan=p, jenis="KN", tanggal=TODAY + timedelta(days=30), by=None)
    due = selectors.nifas_visits_due(world.posyandu_a.sasaran.all(), TODAY)
    assert [(n.kind, n.visit, n.status) for n in due[0][1]] == [
        ("KF", 1, "missed"),
        ("KN", 1, "missed"),
        ("KN", 2, "due"),
    ]
    assert life_stage_of(mother, TODAY + timedelta(days=37)) == LifeStage.IBU_NIFAS  # day 42
    assert life_stage_of(mother, TODAY + timedelta(days=38)) == LifeStage.DEWASA  # day 43


def test_usg_dating(world, mother):
    k = pregnancy_register(
        sasaran=mother, tanggal_daftar=TODAY, by=None, usg_tanggal=TODAY, usg_minggu=10, usg_hari=2
    )
    assert (k.dasar, k.hpl) == ("usg", TODAY + timedelta(days=208))


def test_panel_views_and_scope(client, world, mother):
    client.force_login(world.kader_a)
    url = reverse("kia:action", args=[mother.public_id, "daftar"])
    body = client.post(
        url,
        {
            # Naegele's HPL (HPHT + 7 days + 9 months) is 280 to 283 days after the HPHT, by
            # the months it spans: 73 days ago is week 10 (70-73 days) on any day of the year.
            "hpht": (TODAY - timedelta(days=73)).isoformat(),
            "gravida": "2",
            "paritas": "1",
            "riwayat": ["sc"],
        },
    ).content.decode()
    k = Kehamilan.objects.get(sasaran=mother)
    assert k.riwayat == ["sc"] and "Kehamilan risiko tinggi" in body and "10 minggu" in body
    # the reason is shown in words, not as the rules' variable names and codes
    assert 'Terlalu tua (&gt; 35 tahun) <span class="muted">(umur 38)</span>' in body
    assert "(Pernah operasi sesar)" in body
    assert "umur_ibu" not in body and "(sc)" not in body
    body = client.post(
        reverse("kia:action", args=[mother.public_id, "anc"]), {"sistole": "120"}
    ).content.decode()
    assert "Isi tekanan sistolik dan diastolik." in body
    client.post(
        reverse("kia:action", args=[mother.public_id, "anc"]),
        {"sistole": "120", "diastole": "80", "oleh_dokter": "1", "ttd_tablet": "30"},
    )
    assert k.anc.get().ttd_tablet == 30
    client.force_login(world.kader_s)
    assert client.post(reverse("kia:action", args=[mother.public_id, "anc"]), {}).status_code == 404
    assert not KunjunganNifas.objects.exists()


def test_person_page_names_the_risks_in_words(client, world, mother):
    pregnancy_register(
        sasaran=mother,
        tanggal_daftar=TODAY,
        by=world.kader_a,
        hpht=TODAY - timedelta(days=100),
        paritas=4,
    )
    client.force_login(world.kader_a)
    page = client.get(reverse("sasaran:detail", args=[mother.public_id])).content.decode()
    assert "Terlalu tua (&gt; 35 tahun), Terlalu banyak (sudah &gt;= 4 anak)" in page
    assert "terlalu_tua" not in page


def test_nifas_panel_shows_visit_status_in_words(client, world, mother):
    p = _delivered_five_days_ago(mother)
    nifas_record(persalinan=p, jenis="KF", tanggal=TODAY, by=None)
    client.force_login(world.kader_a)
    page = client.get(reverse("skrining:person", args=[mother.public_id])).content.decode()
    assert "<td>KF2</td>" in page and "✓ selesai" in page  # done
    assert 'class="muted">terlewat</span>' in page  # KF1, KN1 missed
    assert 'class="muted">belum waktunya</span>' in page  # KF3, KF4, KN3
    assert 'ilp-badge-watch">' in page  # KN2 due now
    for code in ("<td>done</td>", "<td>missed</td>", "<td>not_yet</td>", "<td>due</td>"):
        assert code not in page


@pytest.mark.parametrize(
    "values",
    [
        {"sistole": "-120", "diastole": "80"},  # broke the column's CHECK (>= 0): a 500
        {"berat_kg": "6500"},  # grams typed for kg: overflows numeric(5,2) on PostgreSQL
        {"lila_cm": "2350"},
        {"hb": "nan"},
    ],
)
def test_impossible_anc_numbers_are_refused_with_a_message(client, world, mother, values):
    pregnancy_register(
        sasaran=mother, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(days=70)
    )
    client.force_login(world.kader_a)
    response = client.post(reverse("kia:action", args=[mother.public_id, "anc"]), values)
    assert response.status_code == 200
    assert "Periksa tanggal dan angka yang diisi." in response.content.decode()
    assert not Kehamilan.objects.get(sasaran=mother).anc.exists()


@pytest.mark.parametrize(
    ("values", "saved"),
    [
        ({"sistole": "300", "diastole": "200"}, True),  # the top of rules/anc.json input_ranges
        ({"sistole": "301", "diastole": "80"}, False),
        ({"berat_kg": "20"}, True),
        ({"berat_kg": "19,9"}, False),
        ({"hb": "25"}, True),
        ({"hb": "25,1"}, False),
    ],
)
def test_anc_input_ranges_are_inclusive(client, world, mother, values, saved):
    pregnancy_register(
        sasaran=mother, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(days=70)
    )
    client.force_login(world.kader_a)
    client.post(reverse("kia:action", args=[mother.public_id, "anc"]), values)
    assert Kehamilan.objects.get(sasaran=mother).anc.exists() is saved


def test_risk_evaluation_stores_the_rule_version(world, mother):
    """A pregnancy evaluated before the version was stored gets it on its next evaluation."""
    k = Kehamilan.objects.create(
        sasaran=mother, tanggal_daftar=TODAY, hpl=TODAY + timedelta(days=200), dasar="hpht"
    )
    assert (k.risiko, k.risiko_versi) == ([], "")
    refresh_risk(k)
    k.refresh_from_db()
    assert (k.risiko, k.risiko_versi) == (
        ["terlalu_tua"],
        "risiko_kehamilan@kmk-2015-2023-4t+ambang-batas@2023.1",
    )
