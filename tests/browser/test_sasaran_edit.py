"""A kader on a 360 px phone edits a person, opens the household from the person page and
records that the person moved away."""

from datetime import date

import pytest

from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import KeluargaFactory, SasaranFactory
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_household_and_status(phone, live_server, world):
    keluarga = KeluargaFactory.create(posyandu=world.posyandu_a, kepala_keluarga="Pak Ahmad")
    person = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Dimas", keluarga=keluarga, tanggal_lahir=date(2025, 1, 15)
    )
    page = phone
    sign_in(page, live_server, "kader_a")
    page.goto(f"{live_server.url}/sasaran/{person.public_id}/")
    page.get_by_role("link", name="Ubah", exact=True).click()
    assert fits_phone(page)
    page.get_by_label("Telepon").fill("081234567890")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Perubahan data Dimas sudah disimpan.").wait_for()

    page.get_by_role("link", name="Keluarga", exact=True).click()
    page.get_by_role("heading", name="Keluarga Pak Ahmad").wait_for()
    assert fits_phone(page)
    page.get_by_label("Dusun").fill("Dusun Melati")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Data keluarga sudah disimpan.").wait_for()

    page.goto(f"{live_server.url}/sasaran/{person.public_id}/")
    page.get_by_role("link", name="Pindah / meninggal").click()
    page.get_by_label("pindah").check()
    page.get_by_label("Sejak (tanggal)").fill("2026-01-31")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Status sudah disimpan.").wait_for()
    assert fits_phone(page)

    person.refresh_from_db()
    keluarga.refresh_from_db()
    assert (person.telepon, person.status, person.status_sejak) == (
        "081234567890",
        Sasaran.Status.PINDAH,
        date(2026, 1, 31),
    )
    assert keluarga.dusun == "Dusun Melati"
