"""A kader runs a Posyandu day on a 360 px phone: open a session, register a new baby,
weigh a child whose weight does not rise for the second month, see the 2T referral
suggestion and send the referral."""

import pytest
from django.utils import timezone

from posyandu.core.periods import add_months
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.services import measurement_record
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_posyandu_day(phone, live_server, world):
    today = timezone.localdate()
    child = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Dimas Pratama",
        nama_ibu="Wati",
        jenis_kelamin="L",
        tanggal_lahir=add_months(today, -10),
    )
    measurement_record(sasaran=child, tanggal=add_months(today, -2), by=None, berat_kg=8.0)
    first_t = measurement_record(
        sasaran=child, tanggal=add_months(today, -1), by=None, berat_kg=8.1
    )
    assert first_t.pengukuran.status_bb == "T"

    page = phone
    sign_in(page, live_server, "kader_a")
    page.locator(".menu summary").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Hari Posyandu"
    ).click()
    page.get_by_role("button", name="Buka", exact=True).click()
    assert fits_phone(page)

    # Langkah 1: register a new baby and check her in.
    page.get_by_role("link", name="+ Daftarkan sasaran baru").click()
    page.get_by_label("Nama *").fill("Bayi Ayu")
    page.get_by_label("perempuan").check()
    page.get_by_label("Tanggal lahir *").fill(add_months(today, -1).isoformat())
    page.get_by_label("Persetujuan diberikan oleh *").fill("Wati")
    page.get_by_role("button", name="Simpan dan daftarkan hadir").click()
    page.get_by_text("Langkah 2: penimbangan dan pengukuran").wait_for()
    assert Sasaran.objects.filter(nama="Bayi Ayu").exists()
    assert fits_phone(page)
    page.get_by_label("Berat badan (kg)").fill("4,2")
    page.get_by_text("Hasil (belum disimpan)").wait_for()
    page.get_by_role("button", name="Simpan pengukuran").click()
    page.get_by_text("Penimbangan pertama (B).").wait_for()

    # Back to the session, find Dimas by his mother's name, weigh him: no gain again.
    # htmx binds the search box on load: type only once the page has loaded.
    with page.expect_navigation():
        page.get_by_role("link", name="Kembali ke hari buka").click()
    page.get_by_label("Cari sasaran (nama, NIK atau nama ibu)").fill("wati")
    page.locator("#found").get_by_text("Dimas Pratama").wait_for()
    with page.expect_navigation():
        page.locator("#found li", has_text="Dimas Pratama").get_by_role(
            "button", name="Hadir"
        ).click()
    page.get_by_label("Berat badan (kg)").fill("8,1")
    page.get_by_text("2T").first.wait_for()  # instant result before saving
    page.get_by_role("button", name="Simpan pengukuran").click()
    page.get_by_text("Disarankan rujukan").wait_for()
    assert fits_phone(page)
    page.get_by_role("link", name="Buat rujukan").click()
    page.get_by_role("button", name="Kirim rujukan").click()
    page.get_by_text("Rujukan dikirim ke").wait_for()

    rujukan = Rujukan.objects.get(sasaran=child)
    assert rujukan.aturan == ["2T"]
    assert rujukan.tujuan_puskesmas == world.posyandu_a.puskesmas
    assert child.pengukuran.latest("tanggal").status_bb == "T"
