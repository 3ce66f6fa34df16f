"""A Pokjanal member of the kecamatan, on a phone, adds a member and records a visit."""

import pytest

from posyandu.pokjanal.models import Anggota, KunjunganPembinaan
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pokjanal_adds_member_and_supervision_visit_on_a_phone(phone, live_server, world):
    sign_in(phone, live_server, "pokjanal_kec")
    phone.goto(f"{live_server.url}/pokjanal/14.71.01/")
    phone.get_by_role("link", name="Tambah anggota").click()
    assert fits_phone(phone)
    phone.get_by_label("Nama").fill("Bu Camat")
    phone.get_by_label("Instansi (OPD)").fill("Kecamatan Sukajadi")
    phone.get_by_role("button", name="Simpan").click()  # htmx post, HX-Redirect back
    phone.wait_for_url(f"{live_server.url}/pokjanal/14.71.01/")
    assert phone.get_by_text("Bu Camat").count() == 1
    assert Anggota.objects.get(nama="Bu Camat").wilayah_id == "14.71.01"
    phone.get_by_role("link", name="Catat kunjungan pembinaan").click()
    phone.get_by_label("Posyandu").select_option(label="Posyandu Melati")
    phone.get_by_label("Tanggal").fill("2025-05-10")
    phone.get_by_label("Minimal 5 kader aktif bertugas").check()
    assert fits_phone(phone)
    phone.get_by_role("button", name="Simpan").click()
    phone.wait_for_url(f"{live_server.url}/pokjanal/14.71.01/")
    visit = KunjunganPembinaan.objects.get()
    assert visit.checklist["kader_5"] is True and visit.checklist["pencatatan"] is False
