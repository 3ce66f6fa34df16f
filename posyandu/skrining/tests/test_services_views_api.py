import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posyandu.core.registry import visit_panels
from posyandu.kia.services import pregnancy_register
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record
from posyandu.skrining import panels as skrining_panels
from posyandu.skrining import selectors
from posyandu.skrining.models import HasilSkrining
from posyandu.skrining.services import ScreeningInputError, screening_record, screening_refer
from tests.clock import TODAY


def years_ago(years: int, days: int = 40) -> date:
    return date(TODAY.year - years, TODAY.month, 1) - timedelta(days=days)


@pytest.fixture
def adult(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="L", tanggal_lahir=years_ago(45)
    )


def test_record_stores_the_definition_version_and_the_reason(world, adult):
    hasil = screening_record(
        sasaran=adult,
        definition_id="td_dewasa",
        by=world.kader_a,
        raw={"sistole": "150", "diastole": "85"},
        tanggal=TODAY,
    )
    assert (hasil.kategori, hasil.definisi_versi, hasil.tags) == (
        "ht_sistolik",
        "kmk-2015-2023",
        ["hipertensi"],
    )
    assert hasil.alasan == ["sistole 150 >= 140", "diastole 85 < 90"]
    with pytest.raises(ScreeningInputError):
        screening_record(
            sasaran=adult,
            definition_id="td_dewasa",
            by=world.kader_a,
            raw={"sistole": "150"},
            tanggal=TODAY,
        )
    assert HasilSkrining.objects.count() == 1


def test_confirmed_referral_goes_through_rujukan_once(world, adult):
    hasil = screening_record(
        sasaran=adult,
        definition_id="gula_darah",
        by=world.kader_a,
        raw={"jenis": "gds", "kadar": "250"},
        tanggal=TODAY,
    )
    assert hasil.perlu_rujuk
    rujukan = screening_refer(hasil=hasil, by=world.kader_a)
    assert screening_refer(hasil=hasil, by=world.kader_a) == rujukan
    assert rujukan.aturan == ["gula_darah:diabetes"]
    assert rujukan.tujuan_puskesmas == world.posyandu_a.puskesmas
    assert "Diabetes" in rujukan.alasan and "kadar 250 >= 200" in rujukan.alasan


def test_selectors_for_many_people(world, adult):
    other = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=years_ago(70)
    )
    by = world.kader_a
    screening_record(
        sasaran=adult,
        definition_id="td_dewasa",
        by=by,
        tanggal=TODAY - timedelta(days=30),
        raw={"sistole": "150", "diastole": "95"},
    )
    screening_record(
        sasaran=adult,
        definition_id="td_dewasa",
        by=by,
        tanggal=TODAY,
        raw={"sistole": "120", "diastole": "78"},
    )  # controlled now
    screening_record(
        sasaran=other,
        definition_id="td_dewasa",
        by=by,
        tanggal=TODAY,
        raw={"sistole": "139", "diastole": "90"},
    )
    screening_record(
        sasaran=other,
        definition_id="gula_darah",
        by=by,
        tanggal=TODAY,
        raw={"jenis": "gdp", "kadar": "126"},
    )
    barthel = {
        "bab": 2,
        "bak": 2,
        "membersihkan_diri": 1,
        "jamban": 2,
        "makan": 2,
        "transfer": 2,
        "mobilitas": 1,
        "berpakaian": 1,
        "tangga": 0,
        "mandi": 0,
    }
    screening_record(sasaran=other, definition_id="adl_barthel", by=by, tanggal=TODAY, raw=barthel)
    people = world.posyandu_a.sasaran.all()
    assert selectors.hypertension(people) == {other.id}
    assert selectors.hypertension(people, on=TODAY - timedelta(days=1)) == {adult.id}
    assert selectors.diabetes(people) == {other.id}
    assert selectors.lansia_dependency(people) == {other.id: "ringan"}  # 13
    assert set(selectors.latest_results(people)[other.id]) == {
        "td_dewasa",
        "gula_darah",
        "adl_barthel",
    }
    assert selectors.pending_referrals(people).count() == 2  # diabetes, ADL


def test_visit_panels_follow_the_life_stage(world):
    def keys(person):
        return [p.key for p in visit_panels(None, person, TODAY)]

    toddler = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=years_ago(1, days=90))
    teen = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=years_ago(15)
    )
    adult = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="L", tanggal_lahir=years_ago(45)
    )
    elder = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=years_ago(72)
    )
    mother = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=years_ago(27)
    )
    pregnancy_register(
        sasaran=mother, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(days=70)
    )

    assert "imunisasi" in keys(toddler) and "skrining-tbc" in keys(toddler)
    assert "skrining-td_dewasa" not in keys(toddler)
    t = keys(teen)
    assert {
        "skrining-td_remaja",
        "skrining-imt_u_anak",
        "skrining-hb_remaja",
        "skrining-ttd_remaja",
        "imunisasi",
        "kia",
    } <= set(t)  # kia: she may register a pregnancy (15-49)
    a = keys(adult)
    assert {
        "skrining-imt_dewasa",
        "skrining-td_dewasa",
        "skrining-gula_darah",
        "skrining-puma",
        "skrining-srq20",
    } <= set(a)
    assert "skrining-adl_barthel" not in a and "imunisasi" not in a and "kia" not in a
    e = keys(elder)
    assert {"skrining-adl_barthel", "skrining-skilas", "skrining-td_dewasa"} <= set(e)
    m = keys(mother)
    assert {"kia", "imunisasi", "skrining-tbc", "skrining-td_dewasa"} <= set(m)
    assert "skrining-imt_dewasa" not in m and "skrining-lingkar_perut" not in m


def test_form_view_records_and_returns_the_result_partial(client, world, adult):
    client.force_login(world.kader_a)
    url = reverse("skrining:form", args=[adult.public_id, "td_dewasa"])
    assert 'name="sistole"' in client.get(url).content.decode()
    response = client.post(url, {"sistole": "abc", "diastole": "95"})
    body = response.content.decode()
    assert 'value="abc"' in body and "Masukkan angka" in body  # kept and explained
    response = client.post(url, {"sistole": "185", "diastole": "95", "keluhan": "0"})
    body = response.content.decode()
    assert "Hipertensi derajat 3" in body and "Rujuk ke Puskesmas" in body
    hasil = HasilSkrining.objects.get()
    response = client.post(reverse("skrining:refer", args=[hasil.public_id]))
    assert response.status_code == 200
    assert Rujukan.objects.filter(sasaran=adult, aturan=["td_dewasa:ht_3"]).count() == 1
    page = client.get(reverse("skrining:person", args=[adult.public_id])).content.decode()
    assert "Tekanan darah (dewasa)" in page
    # the history names the category in words, never by its code
    assert 'ilp-badge-refer">Hipertensi derajat 3</span>' in page and ">ht_3<" not in page
    assert f"Hasil terakhir: {TODAY:%d-%m-%Y} · Hipertensi derajat 3</p>" in page


def test_another_posyandu_gets_404(client, world, adult):
    client.force_login(world.kader_s)
    assert client.get(reverse("skrining:person", args=[adult.public_id])).status_code == 404
    url = reverse("skrining:form", args=[adult.public_id, "td_dewasa"])
    assert client.post(url, {"sistole": "120", "diastole": "80"}).status_code == 404
    hasil = screening_record(
        sasaran=adult,
        definition_id="gula_darah",
        by=None,
        raw={"jenis": "gds", "kadar": "250"},
        tanggal=TODAY,
    )
    assert client.post(reverse("skrining:refer", args=[hasil.public_id])).status_code == 404
    assert not Rujukan.objects.exists()


def test_api_records_a_screening(client, world, adult):
    client.force_login(world.kader_a)
    url = f"/api/v1/skrining/{adult.public_id}/hasil"
    payload = {"definisi": "srq20", "jawaban": {f"q{i}": i <= 6 for i in range(1, 21)}}
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["kategori"], data["nilai"]["score"], data["perlu_rujuk"]) == ("abnormal", 6, True)
    bad = client.post(
        url, json.dumps({"definisi": "srq20", "jawaban": {}}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert client.get(url).json()[0]["definisi_versi"] == "who-srq20-kmk-2015-2023"
    client.force_login(world.kader_s)
    assert client.post(url, json.dumps(payload), content_type="application/json").status_code == 404


def test_blood_pressure_measured_today_is_not_asked_again(client, world, adult):
    """BP saved in langkah 2 answers the td_dewasa screening: shown read-only "dari
    pengukuran hari ini", recorded with one tap (only the symptom question is left)."""
    Pengukuran.objects.create(sasaran=adult, tanggal=TODAY, sistole=165, diastole=95)
    client.force_login(world.kader_a)
    url = reverse("skrining:form", args=[adult.public_id, "td_dewasa"])
    body = client.get(url).content.decode()
    assert 'name="sistole"' not in body and 'name="diastole"' not in body
    assert 'Sistolik <span class="muted">(dari pengukuran hari ini)</span>: <strong>165' in body
    assert 'Diastolik <span class="muted">(dari pengukuran hari ini)</span>: <strong>95' in body
    assert 'name="keluhan"' in body
    # a posted pressure cannot override the measurement; the one tap records it
    body = client.post(url, {"sistole": "120", "keluhan": "0"}).content.decode()
    assert "Hipertensi derajat 2" in body
    hasil = HasilSkrining.objects.get(sasaran=adult, definisi="td_dewasa")
    assert hasil.jawaban == {"sistole": 165, "diastole": 95, "keluhan": False}
    assert hasil.tanggal == TODAY


def test_screening_without_a_measured_pressure_asks_for_it_on_the_number_pad(client, world, adult):
    client.force_login(world.kader_a)
    body = client.get(reverse("skrining:form", args=[adult.public_id, "td_dewasa"])).content
    html = body.decode()
    assert 'inputmode="numeric" id="td_dewasa-sistole" name="sistole"' in html
    assert 'inputmode="numeric" id="td_dewasa-diastole" name="diastole"' in html
    assert "dari pengukuran hari ini" not in html


def test_todays_measurement_is_read_once_for_every_screening_form(world, adult):
    measurement_record(
        sasaran=adult, tanggal=TODAY, by=None, berat_kg=80, tinggi_cm=170, sistole=150, diastole=95
    )
    with CaptureQueriesContext(connection) as reads:
        panels = {p.key: p for p in skrining_panels.visit_panels(None, adult, TODAY)}
    # one read for the latest weighing (PMT context), one for today's values, however many forms
    assert sum("sesi_pengukuran" in q["sql"] for q in reads.captured_queries) == 2
    assert len(panels) >= 5

    def prefilled(key):
        return {
            f["name"]: f["value"] for f in panels[key].context["fields"] if f["from_measurement"]
        }

    assert prefilled("skrining-td_dewasa") == {"sistole": 150, "diastole": 95}
    assert prefilled("skrining-imt_dewasa") == {"berat_kg": 80.0, "tinggi_cm": 170.0}
