"""On the real Posyandu-day screen (the visit page of a session), a kader on a 360 px phone
checks in a pregnant woman, a toddler, a teenager, an adult and an elderly person, sees
exactly the panels and measurement fields of each life stage, and records a result that
suggests a referral.

The session date is passed (10 February 2026: a vitamin A month), so the test does not
depend on the day it runs."""

from datetime import date

import pytest

from posyandu.kia.services import pregnancy_register
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = date(2026, 2, 10)
ADULT_SCREENINGS = {
    "Skrining gejala TBC",
    "Tekanan darah (dewasa)",
    "Gula darah",
    "Kolesterol total",
    "SRQ-20 (kesehatan jiwa, 30 hari terakhir)",
    "Pendengaran (tes bisik)",
    "Penglihatan (hitung jari 6 m)",
}
EXPECTED = {
    "Ibu Sari Hamil": {
        "panels": {"Kehamilan (ANC)", "Imunisasi"} | ADULT_SCREENINGS,
        "fields": {"berat_kg", "lila_cm", "sistole", "diastole", "tinggi_cm", "tanda_bahaya"},
    },
    "Dafa Balita": {
        "panels": {"Imunisasi", "Skrining gejala TBC", "Vitamin A"},
        "fields": {
            "berat_kg",
            "tinggi_cm",
            "cara_ukur",
            "lingkar_kepala_cm",
            "lila_cm",
            "edema",
            "tanda_bahaya",
        },
    },
    "Rina Remaja": {
        "panels": {
            "Imunisasi",
            "Skrining gejala TBC",
            "IMT/U anak usia sekolah dan remaja",
            "Lingkar perut",
            "Tekanan darah (remaja >= 13 tahun)",
            "Gula darah",
            "Kolesterol total",
            "Skrining anemia remaja putri (Hb)",
            "SRQ-20 (kesehatan jiwa, 30 hari terakhir)",
            "Pendengaran (tes bisik)",
            "Penglihatan (hitung jari 6 m)",
            "TTD remaja putri (1 tablet/minggu)",
            "Daftarkan kehamilan",
        },
        "fields": {"berat_kg", "tinggi_cm", "lingkar_perut_cm", "sistole", "diastole"},
    },
    "Pak Budi Dewasa": {
        "panels": ADULT_SCREENINGS | {"IMT dewasa", "Lingkar perut", "PUMA (skrining PPOK)"},
        "fields": {"berat_kg", "tinggi_cm", "lingkar_perut_cm", "sistole", "diastole"},
    },
    "Nek Ijah Lansia": {
        "panels": ADULT_SCREENINGS
        | {
            "IMT dewasa",
            "Lingkar perut",
            "PUMA (skrining PPOK)",
            "ADL (Indeks Barthel modifikasi)",
            "SKILAS (skrining lansia sederhana)",
        },
        "fields": {"berat_kg", "tinggi_cm", "lingkar_perut_cm", "sistole", "diastole"},
    },
}


def panel_titles(page) -> set[str]:
    return set(page.locator(".panel > summary > h2").all_inner_texts())


def measurement_fields(page) -> set[str]:
    names = page.locator("#ukur [name]").evaluate_all("els => els.map(e => e.name)")
    return set(names) - {"csrfmiddlewaretoken", "idempotency_key"}  # technical, not measured


@pytest.fixture
def people(world):
    a = world.posyandu_a
    ibu = SasaranFactory.create(
        posyandu=a, nama="Ibu Sari Hamil", jenis_kelamin="P", tanggal_lahir=date(1999, 1, 1)
    )
    # 90 days pregnant on the session day
    pregnancy_register(sasaran=ibu, tanggal_daftar=DAY, by=None, hpht=date(2025, 11, 12))
    return {
        "Ibu Sari Hamil": ibu,
        # 14 months: vitamin A (red capsule) is due in February
        "Dafa Balita": SasaranFactory.create(
            posyandu=a, nama="Dafa Balita", tanggal_lahir=date(2024, 12, 1)
        ),
        "Rina Remaja": SasaranFactory.create(
            posyandu=a, nama="Rina Remaja", jenis_kelamin="P", tanggal_lahir=date(2011, 1, 5)
        ),
        "Pak Budi Dewasa": SasaranFactory.create(
            posyandu=a, nama="Pak Budi Dewasa", jenis_kelamin="L", tanggal_lahir=date(1981, 1, 1)
        ),
        "Nek Ijah Lansia": SasaranFactory.create(
            posyandu=a, nama="Nek Ijah Lansia", jenis_kelamin="P", tanggal_lahir=date(1954, 1, 1)
        ),
    }


def test_each_life_stage_sees_its_services_on_the_day_screen(phone, live_server, world, people):
    page = phone
    sign_in(page, live_server, "kader_a")
    page.locator(".menu summary").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Hari Posyandu"
    ).click()
    page.locator("#id_tanggal").fill(DAY.isoformat())
    page.get_by_role("button", name="Buka", exact=True).click()
    page.get_by_label("Cari sasaran (nama, NIK atau nama ibu)").wait_for()
    session_url = page.url

    for name, want in EXPECTED.items():
        page.goto(session_url)
        page.get_by_label("Cari sasaran (nama, NIK atau nama ibu)").fill(name)
        page.locator("#found li", has_text=name).get_by_role("button", name="Hadir").click()
        page.get_by_text("Langkah 2: penimbangan dan pengukuran").wait_for()
        assert page.locator("h1").inner_text() == name
        assert panel_titles(page) == want["panels"], name
        assert measurement_fields(page) == want["fields"], name
        assert fits_phone(page), name

        if name == "Dafa Balita":
            # a danger sign ticked at the weighing: stored on the measurement and the
            # referral is suggested at once, then sent
            form = page.locator("#ukur")
            form.get_by_label("Berat badan (kg)").fill("10,2")
            form.get_by_label("Kejang").check()
            page.locator("#hasil").get_by_text("Disarankan rujukan").wait_for()
            page.get_by_role("button", name="Simpan pengukuran").click()
            page.locator(".danger-signs").get_by_text("Kejang").wait_for()
            assert fits_phone(page)
            page.get_by_role("link", name="Buat rujukan").click()
            page.get_by_role("button", name="Kirim rujukan").click()
            page.get_by_text("Rujukan dikirim ke").wait_for()

    dafa = people["Dafa Balita"]
    assert Pengukuran.objects.get(sasaran=dafa).tanda_bahaya == ["kejang"]
    rujukan = Rujukan.objects.get(sasaran=dafa)
    assert (rujukan.aturan, rujukan.tanggal) == (["tanda_bahaya"], DAY)
    assert set(dafa.kunjungan.values_list("sesi__tanggal", flat=True)) == {DAY}
