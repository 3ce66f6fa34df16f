"""A kader sees a 2T child in 'Tugas saya' on a 360 px phone, records a home visit, and the
task closes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from posyandu.sasaran.models import Keluarga
from posyandu.tugas.models import Tugas
from posyandu.tugas.tests.factories import measure, person
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kader_visits_a_2t_child(phone, live_server, world):
    today = timezone.localdate()
    keluarga = Keluarga.objects.create(
        kepala_keluarga="Pak Budi",
        desa_id="14.71.01.1001",
        posyandu=world.posyandu_a,
        alamat="Jl. Melati 3",
    )
    # Saved outside any test transaction: the record listeners create the task on commit.
    child = person(
        world.posyandu_a, today - timedelta(days=480), nama="Rina Kecil", keluarga=keluarga
    )
    measure(child, today - timedelta(days=31), status_bb="T")
    measure(child, today - timedelta(days=1), status_bb="T")
    elsewhere = person(world.posyandu_b, today - timedelta(days=480), nama="Anak Anggrek")
    measure(elsewhere, today - timedelta(days=31), status_bb="T")
    measure(elsewhere, today - timedelta(days=1), status_bb="T")
    task = Tugas.objects.get(sasaran=child, aturan="2t", status="terbuka")

    sign_in(phone, live_server, "kader_a")
    phone.locator("summary").click()
    phone.locator("details.menu nav").get_by_role("link", name="Tugas saya").click()
    phone.wait_for_url(f"{live_server.url}/tugas/")
    tasks = phone.locator(".task")
    expect(tasks).to_have_count(1)  # only her Posyandu's child
    card = tasks.first
    assert "Rina Kecil" in card.inner_text() and "2T" in card.inner_text()
    assert fits_phone(phone)
    phone.screenshot(path="test-results/tugas-saya-360.png", full_page=True)

    card.get_by_role("link", name="Catat kunjungan rumah").click()
    assert phone.get_by_label("Ditemui pada kunjungan ini").first.is_checked()
    phone.locator(".hv-form details").nth(1).locator("summary").click()
    phone.get_by_label("Berat badan (kg)").first.fill("10.4")
    phone.get_by_label("Yang ditemukan").fill("Anak susah makan sejak sakit batuk.")
    phone.get_by_label("Tindak lanjut", exact=True).select_option("rujuk")
    assert fits_phone(phone)
    phone.screenshot(path="test-results/kunjungan-rumah-form-360.png", full_page=True)
    phone.get_by_role("button", name="Simpan kunjungan rumah").click()
    phone.screenshot(path="test-results/kunjungan-rumah-after-360.png", full_page=True)

    expect(phone.locator(".messages")).to_contain_text("Tugas selesai: 1")
    task.refresh_from_db()
    assert task.status == "selesai" and task.cara_selesai == "kunjungan_rumah"
    phone.get_by_role("link", name="Kunjungan rumah").first.click()
    phone.goto(f"{live_server.url}/tugas/")
    assert phone.locator(".task").count() == 0
    assert "Tidak ada tugas terbuka" in phone.locator("main").inner_text()
