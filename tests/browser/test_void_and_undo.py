"""Issue 11, section 1 on a 360 px phone: the kader saves a weight, voids it with a reason
through "Koreksi / batalkan", sees it struck through with the reason, saves another, presses
"Urungkan" and sees that one voided too. The monthly summary's D (weighed) follows each step."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from posyandu.core.periods import add_months
from posyandu.laporan.models import RekapBulanan
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from tests.browser.conftest import fits_phone, sign_in
from tests.browser.test_visit_page import open_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def weighed_this_month(world) -> int:
    period = timezone.localdate().strftime("%Y-%m")
    rows = RekapBulanan.objects.filter(posyandu=world.posyandu_a, periode=period, jk="L")
    return sum(r.d for r in rows)


def save_weight(page, typed: str) -> None:
    step = page.locator("#langkah-2")
    if step.get_attribute("open") is None:
        step.locator("summary").click()
    page.get_by_label("Berat badan (kg)").fill(typed)
    # the preview lands above the button: a click while it lands misses the button
    page.locator("#hasil").get_by_text("Hasil (belum disimpan)").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan pengukuran").click()
    page.wait_for_load_state("load")


def test_void_with_a_reason_then_undo(phone, live_server, world):
    today = timezone.localdate()
    SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Dimas Pratama",
        jenis_kelamin="L",
        tanggal_lahir=add_months(today, -10),
    )
    page = phone
    sign_in(page, live_server, "kader_a")
    open_day(page, live_server)
    page.wait_for_load_state("load")  # htmx listens on the search box once loaded
    page.locator("#cari").press_sequentially("dimas")
    page.locator("#found").get_by_text("Dimas Pratama").wait_for()
    with page.expect_navigation():
        page.locator("#found li", has_text="Dimas Pratama").get_by_role(
            "button", name="Hadir"
        ).click()
    visit_url = page.url

    save_weight(page, "8,6")
    assert weighed_this_month(world) == 1
    entries = page.locator("#koreksi")
    assert "8,6" in entries.inner_text() or "8.6" in entries.inner_text()

    # void it with a reason, from the visit's list of entries
    with page.expect_navigation():
        entries.get_by_role("link", name="Koreksi / batalkan").first.click()
    assert fits_phone(page)
    page.get_by_label("Alasan pembatalan").fill("salah anak")
    with page.expect_navigation():
        page.get_by_role("button", name="Batalkan", exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == visit_url
    voided = page.locator("#koreksi li", has=page.locator("del"))
    assert voided.count() == 1
    assert "dibatalkan: salah anak" in voided.first.inner_text()
    assert weighed_this_month(world) == 0
    assert fits_phone(page)

    # another weight, then "Urungkan"
    save_weight(page, "8,7")
    assert weighed_this_month(world) == 1
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Urungkan")).click()
    page.wait_for_load_state("load")
    voided = page.locator("#koreksi li", has=page.locator("del"))
    assert voided.count() == 2
    texts = voided.all_inner_texts()
    assert any("dibatalkan: urungkan" in t for t in texts), texts
    assert any("dibatalkan: salah anak" in t for t in texts), texts
    assert weighed_this_month(world) == 0
    assert not Pengukuran.objects.filter(tanggal=today).exists()
    assert [
        p.alasan_batal for p in Pengukuran.all_objects.filter(tanggal=today).order_by("id")
    ] == [
        "salah anak",
        "urungkan",
    ]
    assert fits_phone(page)


def test_second_weighing_asks_at_the_top_and_ganti_keeps_the_length(phone, live_server, world):
    """Issue 11 review: weighed 9,5 kg / 76,5 cm, then 9,8 typed and saved: the question
    "ganti/tambah" is at the top of the page, the form kept the length, and "ganti" saves
    9,8 kg with 76,5 cm (the length was silently dropped before)."""
    today = timezone.localdate()
    SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Raka Saputra",
        jenis_kelamin="L",
        tanggal_lahir=add_months(today, -10),
    )
    page = phone
    sign_in(page, live_server, "kader_a")
    open_day(page, live_server)
    page.wait_for_load_state("load")
    page.locator("#cari").press_sequentially("raka")
    page.locator("#found").get_by_text("Raka Saputra").wait_for()
    with page.expect_navigation():
        page.locator("#found li", has_text="Raka Saputra").get_by_role(
            "button", name="Hadir"
        ).click()
    page.locator('input[name="tinggi_cm"]').fill("76,5")
    save_weight(page, "9,5")
    assert page.locator('input[name="tinggi_cm"]').input_value() == "76,5"  # prefilled

    save_weight(page, "9,8")
    question = page.locator("#sama-hari")
    box = question.bounding_box()
    assert box is not None and box["y"] < 400, box  # at the top, not ~1,700 px down
    assert "9,5 kg · 76,5 cm" in question.inner_text()
    assert "9,8 kg · 76,5 cm" in question.inner_text()
    assert fits_phone(page)
    with page.expect_navigation():
        question.locator('button[value="ganti"]').click()
    page.wait_for_load_state("load")
    live = Pengukuran.objects.get(tanggal=today)
    assert (live.berat_kg, live.tinggi_cm) == (Decimal("9.8"), Decimal("76.5"))
    first = Pengukuran.all_objects.exclude(pk=live.pk).get(tanggal=today)
    assert first.alasan_batal == "diganti"
