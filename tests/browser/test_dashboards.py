"""A Pokjanal member of the city, on a phone, drills down from the city to a Posyandu."""

from datetime import date

import pytest

from posyandu.core.periods import parse_period
from posyandu.laporan.build import rekap_bulanan
from posyandu.laporan.tests.factories import child, weigh
from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pokjanal_drills_down_to_a_posyandu_on_a_phone(phone, live_server, world):
    kid = child(world.posyandu_a, date(2024, 1, 10))
    weigh(kid, date(2025, 3, 5), "7.00")
    weigh(kid, date(2025, 4, 5), "7.20", zlen=-2.5)
    rekap_bulanan.rekap_rebuild(start=parse_period("2025-03"), end=parse_period("2025-04"))
    sign_in(phone, live_server, "pokjanal_kota")
    phone.goto(f"{live_server.url}/laporan/wilayah/14.71/?periode=2025-04")
    assert fits_phone(phone)
    assert phone.locator("svg.chart:not(.lp-map)").count() == 2  # the trend charts
    assert phone.locator("svg.lp-map").count() == 1  # and the map of the units below
    # The coverage section ranks the same units (and links them too): drill down through the
    # first (SKDN) table.
    assert phone.locator("#cakupan").count() == 1
    skdn_table = phone.locator("table.lp-table").first
    skdn_table.get_by_role("link", name="Sukajadi").click()
    assert fits_phone(phone)
    phone.locator("table.lp-table").first.get_by_role("link", name="Jadirejo").click()
    phone.locator("table.lp-table").first.get_by_role("link", name="Posyandu Melati").click()
    phone.wait_for_url(f"**/laporan/posyandu/{world.posyandu_a.public_id}/**")
    assert phone.locator("h1").inner_text().startswith("Posyandu Melati")
    assert fits_phone(phone)
    # One child: counts only, the small-number note instead of percentages.
    assert phone.get_by_text("Kurang dari 5 balita").count() == 1
    phone.goto(f"{live_server.url}/laporan/wilayah/14.71.02/")  # another city area: fine
    assert phone.locator("h1").count() == 1
    response = phone.goto(f"{live_server.url}/laporan/wilayah/17.05/")
    assert response.status == 404
