"""Playwright driving Debian's Chromium (no browser download), on a phone-sized viewport."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures
# are still synchronous, so Django's async guard must stand aside in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh 360 px wide page (a cheap Android phone)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = "Rahasia-Kuat-2026") -> None:
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")


def page_width(page) -> int:
    """The document's width once the page has settled (a click may still be navigating)."""
    for _ in range(5):
        page.wait_for_load_state("load")
        try:
            width = page.evaluate(
                "document.documentElement ? document.documentElement.scrollWidth : null"
            )
        except Exception:  # noqa: BLE001 - the context was replaced by a navigation
            width = None
        if width is not None:
            return int(width)
        page.wait_for_timeout(200)
    raise AssertionError("the page never finished loading")


def fits_phone(page) -> bool:
    """No horizontal scrolling on the 360 px viewport."""
    return page_width(page) <= page.viewport_size["width"] + 1
