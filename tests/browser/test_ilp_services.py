"""A kader sees the right ILP services for each life stage, on a 360 px phone, and a
screening result (with its referral suggestion) comes back at once through htmx."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from posyandu.kia.services import pregnancy_register
from posyandu.sasaran.tests.factories import SasaranFactory
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def born(years: int, months: int = 2) -> date:
    today = timezone.localdate()
    return date(today.year - years, today.month, 1) - timedelta(days=31 * months)


def titles(page) -> set[str]:
    return set(page.locator("section.panel > h2").all_inner_texts())


def test_kader_sees_the_right_forms_per_life_stage(phone, live_server, world, tmp_path):
    a = world.posyandu_a
    mother = SasaranFactory.create(
        posyandu=a, nama="Ibu Sari", jenis_kelamin="P", tanggal_lahir=born(27)
    )
    pregnancy_register(
        sasaran=mother,
        tanggal_daftar=timezone.localdate(),
        by=None,
        hpht=timezone.localdate() - timedelta(days=90),
    )
    people = {
        "pregnant": mother,
        "toddler": SasaranFactory.create(posyandu=a, nama="Dafa", tanggal_lahir=born(1)),
        "teen": SasaranFactory.create(
            posyandu=a, nama="Rina", jenis_kelamin="P", tanggal_lahir=born(15)
        ),
        "adult": SasaranFactory.create(
            posyandu=a, nama="Pak Budi", jenis_kelamin="L", tanggal_lahir=born(45)
        ),
        "elderly": SasaranFactory.create(
            posyandu=a, nama="Nek Ijah", jenis_kelamin="P", tanggal_lahir=born(72)
        ),
    }
    expected = {
        "pregnant": ({"Kehamilan (ANC)", "Imunisasi", "Skrining gejala TBC"}, {"IMT dewasa"}),
        "toddler": (
            {"Imunisasi", "Skrining gejala TBC"},
            {"Tekanan darah (dewasa)", "Kehamilan (ANC)"},
        ),
        "teen": (
            {
                "Tekanan darah (remaja >= 13 tahun)",
                "IMT/U anak usia sekolah dan remaja",
                "TTD remaja putri (1 tablet/minggu)",
                "Skrining anemia remaja putri (Hb)",
            },
            {"Tekanan darah (dewasa)", "IMT dewasa"},
        ),
        "adult": (
            {
                "IMT dewasa",
                "Tekanan darah (dewasa)",
                "Gula darah",
                "PUMA (skrining PPOK)",
                "SRQ-20 (kesehatan jiwa, 30 hari terakhir)",
            },
            {"Imunisasi", "ADL (Indeks Barthel modifikasi)"},
        ),
        "elderly": (
            {
                "ADL (Indeks Barthel modifikasi)",
                "SKILAS (skrining lansia sederhana)",
                "Tekanan darah (dewasa)",
            },
            {"Imunisasi", "Kehamilan (ANC)"},
        ),
    }
    sign_in(phone, live_server, "kader_a")
    for who, person in people.items():
        phone.goto(f"{live_server.url}/skrining/orang/{person.public_id}/")
        shown = titles(phone)
        must, must_not = expected[who]
        assert must <= shown, (who, shown)
        assert not (must_not & shown), (who, shown)
        assert fits_phone(phone), who
        phone.screenshot(path=str(tmp_path / f"{who}.png"), full_page=True)

    # the adult's blood pressure: the result replaces the form, with the referral suggestion
    phone.goto(f"{live_server.url}/skrining/orang/{people['adult'].public_id}/")
    form = phone.locator("#skrining-td_dewasa")
    form.get_by_label("Sistolik").fill("185")
    form.get_by_label("Diastolik").fill("95")
    form.get_by_role("button", name="Simpan dan lihat hasil").click()
    result = phone.locator("#skrining-td_dewasa.ilp-result")
    assert "Hipertensi derajat 3" in result.inner_text()
    result.get_by_role("button", name="Rujuk ke Puskesmas").click()
    expect(phone.locator("#skrining-td_dewasa")).to_contain_text("Rujukan dibuat")
