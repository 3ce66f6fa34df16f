"""Each role signs in on a 360 px phone and sees only what it may see."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISIBLE = {
    "kader_a": {"Posyandu Melati"},
    "bidan_1": {"Posyandu Melati", "Posyandu Mawar"},
    "pkm_1": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek"},
    "pokjanal_kec": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek"},
    "pokjanal_kota": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek", "Posyandu Kenanga"},
    "dinkes": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek", "Posyandu Kenanga"},
    "kader_s": {"Posyandu Seroja"},
    "admin_1": {
        "Posyandu Melati",
        "Posyandu Mawar",
        "Posyandu Anggrek",
        "Posyandu Kenanga",
        "Posyandu Seroja",
    },
}
ALL = VISIBLE["admin_1"]


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_role_sees_only_its_posyandu(phone, live_server, world, username):
    sign_in(phone, live_server, username)
    phone.goto(f"{live_server.url}/posyandu/")
    names = set(phone.locator("#rows td:first-child a").all_inner_texts())
    assert names == VISIBLE[username]
    # Nothing overflows the phone's width.
    assert fits_phone(phone)

    hidden = [p for p in world.all_posyandu if p.nama in ALL - VISIBLE[username]]
    for posyandu in hidden:
        phone.goto(f"{live_server.url}/posyandu/{posyandu.public_id}/")
        assert phone.locator("h1").inner_text() == "Tidak ditemukan"


def test_kader_menu_and_language_switch(phone, live_server, world):
    sign_in(phone, live_server, "kader_a")
    phone.locator("summary").click()
    menu = phone.locator("details.menu nav").inner_text()
    assert "Kader" in menu and "Administrasi" not in menu
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("h1")).to_have_text(re.compile(r"^Welcome"))
    phone.screenshot(path="test-results/kader-home-360.png", full_page=True)


def test_pokjanal_sees_no_kader_names(phone, live_server, world):
    sign_in(phone, live_server, "pokjanal_kota")
    phone.goto(f"{live_server.url}/posyandu/{world.posyandu_c.public_id}/")
    assert phone.locator("h1").inner_text() == "Posyandu Kenanga"
    assert phone.get_by_role("heading", name="Kader").count() == 0
    # The kader list of its region is SDM work: names and Posyandu, never a phone number.
    phone.goto(f"{live_server.url}/kader/")
    assert phone.locator("h1").inner_text() == "Kader"
    assert "Telepon" not in phone.locator("main").inner_text()
