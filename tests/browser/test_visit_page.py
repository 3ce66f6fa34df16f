"""The visit page fits a phone (issue 11, section 4): a kader finds a child, checks her in,
types the weight, saves, sees the result at the top of the page and moves on to the next
person with the cursor already in the search box. The figures (page height at 360 px for a
balita and a pregnant woman, taps and keystrokes from search to saved weight) are printed,
not asserted as timings: `bench/visit_page.py` runs `test_visit_page_figures` and shows them."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.core.periods import add_months
from posyandu.kia.services import pregnancy_register
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, Sesi
from posyandu.sesi.services import measurement_record
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Counter:
    """Taps and keystrokes a kader makes, counted as the test makes them."""

    taps: int = 0
    keys: int = 0
    log: list[str] = field(default_factory=list)

    def tap(self, locator, what: str) -> None:
        locator.click()
        self.taps += 1
        self.log.append(f"tap {what}")

    def type(self, locator, text: str) -> None:
        # into the element that has the focus already (no tap counted)
        locator.press_sequentially(text)
        self.keys += len(text)
        self.log.append(f"type {text!r}")


def height(page) -> int:
    page.wait_for_load_state("load")
    return int(page.evaluate("document.documentElement.scrollHeight"))


def _people(world):
    today = timezone.localdate()
    child = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Dimas Pratama",
        nama_ibu="Wati",
        jenis_kelamin="L",
        tanggal_lahir=add_months(today, -10),
    )
    measurement_record(sasaran=child, tanggal=add_months(today, -2), by=None, berat_kg=8.0)
    measurement_record(sasaran=child, tanggal=add_months(today, -1), by=None, berat_kg=8.3)
    mother = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Ibu Sari",
        jenis_kelamin="P",
        tanggal_lahir=add_months(today, -27 * 12),
    )
    pregnancy_register(
        sasaran=mother, tanggal_daftar=today, by=None, hpht=today - timedelta(days=150)
    )
    return child, mother


def open_day(page, live_server) -> Sesi:
    """The kader opens today's Posyandu day from the menu, as on the day."""
    page.locator(".menu summary").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Hari Posyandu"
    ).click()
    page.get_by_role("button", name="Buka", exact=True).click()
    page.get_by_label("Cari sasaran (nama, NIK atau nama ibu)").wait_for()
    return Sesi.objects.get()


def weigh_one_child(page, live_server, sesi, counter: Counter) -> None:
    """From the session's search box to the saved weight, counting what the kader does."""
    counter.tap(page.get_by_label("Cari sasaran (nama, NIK atau nama ibu)"), "search box")
    counter.type(page.get_by_label("Cari sasaran (nama, NIK atau nama ibu)"), "dimas")
    page.locator("#found").get_by_text("Dimas Pratama").wait_for()
    with page.expect_navigation():
        counter.tap(
            page.locator("#found li", has_text="Dimas Pratama").get_by_role("button", name="Hadir"),
            "Hadir",
        )
    weight = page.get_by_label("Berat badan (kg)")
    if not weight.evaluate("el => el === document.activeElement"):
        counter.tap(weight, "weight field")
    counter.type(weight, "8,6")
    with page.expect_navigation():
        counter.tap(page.get_by_role("button", name="Simpan pengukuran"), "Simpan")


def test_visit_page_figures(phone, live_server, world):
    child, mother = _people(world)
    page = phone
    sign_in(page, live_server, "kader_a")
    sesi = open_day(page, live_server)
    counter = Counter()
    weigh_one_child(page, live_server, sesi, counter)
    page.locator(".result").first.wait_for()
    balita_after_save = height(page)
    result_top = int(page.locator(".result").first.evaluate("el => el.getBoundingClientRect().top"))
    page.goto(live_server.url + reverse("sesi:detail", args=[sesi.public_id]))
    page.locator("#cari").fill("sari")
    page.locator("#found").get_by_text("Ibu Sari").wait_for()
    with page.expect_navigation():
        page.locator("#found li", has_text="Ibu Sari").get_by_role("button", name="Hadir").click()
    hamil_open = height(page)
    balita_visit = Kunjungan.objects.get(sesi=sesi, sasaran=child)
    page.goto(live_server.url + reverse("sesi:kunjungan", args=[balita_visit.public_id]))
    balita_reopened = height(page)
    print()
    print(f"FIGURE balita visit page after saving the weight: {balita_after_save} px at 360 px")
    print(f"FIGURE balita visit page reopened: {balita_reopened} px")
    print(f"FIGURE pregnant woman's visit page on check-in: {hamil_open} px")
    print(f"FIGURE result box top after saving: {result_top} px (viewport 740 px)")
    print(f"FIGURE search to saved weight: {counter.taps} taps, {counter.keys} keystrokes")
    print("FIGURE steps: " + "; ".join(counter.log))
    assert fits_phone(page)


def test_after_saving_the_result_is_on_top_and_next_person_goes_back_to_search(
    phone, live_server, world
):
    child, mother = _people(world)
    page = phone
    sign_in(page, live_server, "kader_a")
    open_day(page, live_server)
    counter = Counter()
    weigh_one_child(page, live_server, None, counter)
    assert counter.taps <= 5 and counter.keys <= 15, counter.log

    # the saved result is the first thing on the screen, inside the first viewport
    result = page.locator(".result").first
    assert "Berat badan naik" in result.inner_text()
    assert "8,6" in result.inner_text() or "8.6" in result.inner_text()
    box = result.bounding_box()
    assert box is not None and box["y"] < page.viewport_size["height"] / 2
    # the measuring step folded away; the other steps are still on the page
    assert page.locator("#langkah-2").get_attribute("open") is None
    assert page.locator("#langkah-5 summary").is_visible()
    assert fits_phone(page)

    # "Berikutnya": back to the session, the cursor already in the search box
    with page.expect_navigation():
        page.get_by_role("link", name="Berikutnya").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "cari"
    page.keyboard.type("sari")
    page.locator("#found").get_by_text("Ibu Sari").wait_for()
    with page.expect_navigation():
        page.locator("#found li", has_text="Ibu Sari").get_by_role("button", name="Hadir").click()

    # a pregnant woman: the 10T overview, the measuring step open, no-due sections closed
    assert page.locator("#anc-10t li").count() == 10
    assert page.locator("#langkah-2").get_attribute("open") is not None
    assert page.locator("#panel-kia").get_attribute("open") is not None
    assert page.locator("#langkah-4").get_attribute("open") is None
    assert fits_phone(page)
