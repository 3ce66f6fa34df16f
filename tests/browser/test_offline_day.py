"""The Posyandu day without signal (issue 12), in real Chromium against the live server: the
offline app downloads the kader's Posyandu, the network is cut (`context.set_offline`), the day
is recorded into the IndexedDB outbox, and the sync on reconnect puts every record on the
server exactly once with the server's own z-scores. Nothing here fakes a server answer: a
"lost answer" is the real server's answer dropped on the way back."""

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from posyandu.core.periods import add_months
from posyandu.imunisasi.models import Imunisasi
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi
from posyandu.sesi.services import measurement_record
from posyandu.sinkron.models import Konflik, Perubahan, SelisihHasil
from posyandu.skrining.models import HasilSkrining
from tests.browser.conftest import CHROMIUM, fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP = "/luring/app/"
WEIGHTS = ["7,9", "8,4", "9,1", "10,2", "11,0", "11,8", "12,5", "13,1", "9,6", "10,7"]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}


def children(world: Any) -> list[Sasaran]:
    """Ten children of Posyandu Melati, each weighed last month (the KBM needs it)."""
    today = timezone.localdate()
    kids = []
    for i in range(10):
        child = SasaranFactory.create(
            posyandu=world.posyandu_a,
            nama=f"Balita {chr(65 + i)}",
            nama_ibu=f"Ibu {chr(65 + i)}",
            jenis_kelamin="L" if i % 2 else "P",
            tanggal_lahir=add_months(today, -(6 + i * 4)),
        )
        measurement_record(
            sasaran=child, tanggal=add_months(today, -1), by=None, berat_kg=6.5 + i * 0.6
        )
        kids.append(child)
    return kids


def app_ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready='1']")


def open_app(page: Any, live_server: Any) -> None:
    """Open the offline app online and wait until the package is on the device."""
    page.goto(f"{live_server.url}{APP}")
    app_ready(page)
    page.wait_for_function(
        "async () => !!(await window.Luring.db.meta('downloaded_at'))", polling=200
    )
    page.wait_for_function(
        "async () => { await navigator.serviceWorker.ready; return true; }", timeout=120_000
    )
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()  # installed, but this page loaded before it: the next load is controlled
        app_ready(page)
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=60_000)
    page.wait_for_function("() => !window.Luring.app.state.syncing")


def waiting(page: Any) -> int:
    return int(page.locator("#luring-status [data-waiting]").get_attribute("data-waiting") or 0)


def wait_waiting(page: Any, n: int) -> None:
    page.wait_for_selector(f"#luring-status [data-waiting='{n}']", timeout=30_000)


def check_in(page: Any, name: str) -> None:
    box = page.get_by_label("Cari (nama, NIK atau nama ibu)")
    box.fill(name)
    page.locator("#found li", has_text=name).get_by_role("button", name="Hadir").click()
    page.get_by_role("heading", name=name).wait_for()


def weigh(page: Any, kg: str) -> None:
    page.get_by_label("Berat badan (kg)").fill(kg)
    page.locator("#result").wait_for()  # the instant result, computed on the phone
    page.get_by_role("button", name="Simpan pengukuran").click()
    page.get_by_text("Pengukuran tersimpan di ponsel ini.").wait_for()


def back_to_day(page: Any) -> None:
    page.get_by_role("link", name="Kembali ke hari buka").first.click()
    page.get_by_role("heading", name=re.compile("Hari Posyandu")).wait_for()


def device_measurements(page: Any) -> list[dict]:
    return page.evaluate("() => window.Luring.db.all('measurements')")


def test_offline_day_syncs_every_record_once(browser, live_server, world):
    kids = children(world)
    today = timezone.localdate()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, "kader_a")
    open_app(page, live_server)
    page.get_by_role("heading", name="Posyandu Melati").wait_for()

    context.set_offline(True)
    page.locator("#luring-status [data-online='0']").wait_for()
    page.get_by_role("button", name="Buka", exact=True).click()
    page.get_by_role("heading", name=f"Hari Posyandu {today.isoformat()}").wait_for()
    assert fits_phone(page)

    for child, kg in zip(kids, WEIGHTS, strict=True):
        check_in(page, child.nama)
        weigh(page, kg)
        back_to_day(page)

    # A baby without NIK, registered and weighed offline.
    page.get_by_role("link", name="+ Daftarkan sasaran baru").click()
    page.get_by_label("Nama *").fill("Bayi Luring")
    page.get_by_label("perempuan").check()
    page.get_by_label("Tanggal lahir *").fill(add_months(today, -1).isoformat())
    page.get_by_label("Nama ibu").fill("Ibu Sari")
    page.get_by_label("Persetujuan diberikan oleh *").fill("Ibu Sari")
    page.get_by_role("button", name="Simpan dan daftarkan hadir").click()
    page.get_by_role("heading", name="Bayi Luring").wait_for()
    assert fits_phone(page)
    weigh(page, "4,2")

    # Balita A: a dose that is due, a referral, and the wrong weight voided.
    back_to_day(page)
    page.locator("#visits").get_by_role("link", name="Balita A").click()
    page.get_by_role("heading", name="Balita A").wait_for()
    page.get_by_label("Dosis yang diberikan").select_option(index=0)
    page.get_by_role("button", name="Simpan dosis").click()
    page.get_by_text("Dosis tersimpan di ponsel ini.").wait_for()
    page.get_by_label("Alasan rujukan").fill("Berat tidak naik, perlu diperiksa bidan")
    page.get_by_role("button", name="Buat rujukan").click()
    page.get_by_text("Rujukan tersimpan di ponsel ini.").wait_for()
    page.get_by_role("button", name="Batalkan").first.click()
    page.get_by_label("Alasan pembatalan").fill("salah timbang")
    page.get_by_role("button", name="Batalkan").last.click()
    page.get_by_text("Dibatalkan di ponsel ini.").wait_for()
    assert fits_phone(page)

    # The session summary, on the phone.
    back_to_day(page)
    page.get_by_role("link", name="Ringkasan hari ini").click()
    summary = page.locator("#summary")
    assert summary.locator("[data-key='D']").inner_text() == "10"  # 10 balita + the baby - 1 void
    assert summary.locator("[data-key='came']").inner_text() == "11"

    assert waiting(page) >= 14
    outbox_size = waiting(page)
    assert Pengukuran.objects.filter(tanggal=today).count() == 0  # nothing reached the server

    # Back online: the outbox empties by itself (the online event).
    context.set_offline(False)
    wait_waiting(page, 0)
    assert not errors, errors

    sesi = Sesi.objects.get(posyandu=world.posyandu_a, tanggal=today)
    assert Kunjungan.objects.filter(sesi=sesi).count() == 11
    baby = Sasaran.objects.get(nama="Bayi Luring")
    assert baby.nik in ("", None)
    today_rows = Pengukuran.all_objects.filter(tanggal=today)
    assert today_rows.count() == 11
    assert Pengukuran.objects.filter(tanggal=today).count() == 10  # one voided
    assert Imunisasi.objects.filter(sasaran=kids[0], tanggal=today).count() == 1
    assert Rujukan.objects.filter(sasaran=kids[0]).count() == 1
    assert Perubahan.objects.count() == outbox_size
    assert SelisihHasil.objects.count() == 0

    # The device showed the server's z-scores: same values, measurement by measurement.
    on_device = {m["id"]: m for m in device_measurements(page)}
    for row in Pengukuran.objects.filter(tanggal=today):  # a voided one may be gone from it
        mine = on_device[str(row.public_id)]
        for name in ("zwei", "zlen", "zwfl", "zbmi"):
            server = getattr(row, name)
            assert (None if server is None else float(server)) == mine.get(name), (name, row)
        assert (row.status_bb or "") == (mine.get("status_bb") or "")
    context.close()


def test_shell_offline_page_and_manifest(browser, live_server, world):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "kader_a")
    open_app(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/hari/")  # a server page: the honest offline page
    page.get_by_role("heading", name="Tidak ada sambungan").wait_for()
    page.get_by_role("link", name="Buka aplikasi luring").click()
    app_ready(page)
    page.get_by_role("heading", name="Posyandu Melati").wait_for()
    context.close()


def offline_weighing(page: Any, names: list[str], weights: list[str]) -> None:
    """Open today's day in the app and weigh these children, without network."""
    page.get_by_role("button", name="Buka", exact=True).click()
    page.get_by_role("heading", name=re.compile("Hari Posyandu")).wait_for()
    for name, kg in zip(names, weights, strict=True):
        check_in(page, name)
        weigh(page, kg)
        back_to_day(page)


def test_browser_closed_mid_sync_completes_without_duplicates(
    browser, live_server, world, tmp_path: Path
):
    kids = children(world)[:4]
    today = timezone.localdate()
    profile = tmp_path / "phone"
    options = {
        "executable_path": str(CHROMIUM),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"],
        **PHONE,
    }
    context = browser.browser_type.launch_persistent_context(str(profile), **options)
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, live_server, "kader_a")
    open_app(page, live_server)
    context.set_offline(True)
    offline_weighing(page, [k.nama for k in kids], WEIGHTS[:4])
    sent = waiting(page)
    assert sent == 9  # the day, 4 check-ins, 4 weighings

    # The first batch reaches the server and is applied; its answer never comes back
    # (the connection drops), and the phone is switched off before anything else.
    delivered: list[int] = []

    def lose_the_answer(route: Any) -> None:
        if delivered:  # the phone is already off: nothing more leaves it
            route.abort("internetdisconnected")
            return
        response = route.fetch()  # the real server applies the batch
        delivered.append(response.status)
        route.abort("internetdisconnected")

    context.route("**/api/v1/luring/kirim", lose_the_answer)
    context.set_offline(False)
    page.wait_for_function("() => true")
    for _ in range(100):
        if delivered:
            break
        page.wait_for_timeout(100)
    assert delivered == [200]
    assert Perubahan.objects.count() >= 1
    context.close()

    # Reopened: the session ended with the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE), the
    # outbox did not. Signed in again, the app sends it all; what was applied answers duplicate.
    context = browser.browser_type.launch_persistent_context(str(profile), **options)
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}{APP}")
    app_ready(page)
    assert waiting(page) == sent
    sign_in(page, live_server, "kader_a")
    page.goto(f"{live_server.url}{APP}")
    app_ready(page)
    wait_waiting(page, 0)
    assert Perubahan.objects.count() == sent
    sesi = Sesi.objects.get(posyandu=world.posyandu_a, tanggal=today)
    assert Kunjungan.objects.filter(sesi=sesi).count() == 4
    assert Pengukuran.objects.filter(tanggal=today).count() == 4
    for kid in kids:
        assert kid.pengukuran.filter(tanggal=today).count() == 1
    context.close()


def test_two_phones_edit_one_person_conflict_for_the_bidan(browser, live_server, world):
    child = children(world)[0]
    phones = []
    for _ in range(2):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, live_server, "kader_a")
        open_app(page, live_server)
        context.set_offline(True)
        phones.append((context, page))
    for (_context, page), name in zip(phones, ["Balita Satu", "Balita Dua"], strict=True):
        page.get_by_role("button", name="Buka", exact=True).click()
        check_in(page, child.nama)
        page.get_by_role("link", name="Ubah data sasaran").click()
        page.get_by_label("Nama", exact=True).fill(name)
        page.get_by_role("button", name="Simpan", exact=True).click()
        page.get_by_role("heading", name=name).wait_for()

    first, second = phones
    first[0].set_offline(False)
    wait_waiting(first[1], 0)
    second[0].set_offline(False)
    wait_waiting(second[1], 0)
    second[1].locator("#luring-status [data-conflicts='1']").click()
    second[1].get_by_text("Orang lain lebih dulu mengubah data ini").wait_for()

    child.refresh_from_db()
    assert child.nama == "Balita Satu"  # the first edit stands; the second is not lost:
    konflik = Konflik.objects.get(record=child.public_id)
    assert konflik.versi_perangkat["nama"] == "Balita Dua"
    assert (konflik.base_version or 0) < konflik.server_version
    for context, _page in phones:
        context.close()


def test_change_to_another_posyandu_is_rejected_and_shown(phone, live_server, world):
    stranger = SasaranFactory.create(posyandu=world.posyandu_b, nama="Orang Anggrek")
    page = phone
    sign_in(page, live_server, "kader_a")
    open_app(page, live_server)
    # A change naming a person of Posyandu Anggrek (a stale phone, a tampered outbox)
    page.evaluate(
        """id => window.Luring.db.enqueue({kind: "sasaran.update", record: id, base_version: 1,
                data: {nama: "Diubah"}, label: "Ubah Orang Anggrek"})""",
        str(stranger.public_id),
    )
    page.get_by_role("button", name="Sinkronkan sekarang").click()
    page.locator("#luring-status [data-rejected='1']").click()
    item = page.locator("#rejected li", has_text="Ubah Orang Anggrek")
    item.wait_for()
    assert item.locator(".error").inner_text().strip()  # the server's reason, in Indonesian
    stranger.refresh_from_db()
    assert stranger.nama == "Orang Anggrek"
    # The kader discards it explicitly; nothing vanishes by itself.
    page.once("dialog", lambda d: d.accept())
    item.get_by_role("button", name="Buang").click()
    page.get_by_text("Tidak ada yang perlu diperbaiki.").wait_for()


def test_sign_out_with_unsent_changes_warns_and_keeps_them(phone, live_server, world):
    children(world)
    page = phone
    sign_in(page, live_server, "kader_a")
    open_app(page, live_server)
    page.context.set_offline(True)
    offline_weighing(page, ["Balita C"], ["9,0"])
    page.context.route("**/api/v1/luring/kirim", lambda route: route.abort())  # no signal
    page.context.set_offline(False)
    page.get_by_role("button", name="Keluar").click()
    dialog = page.locator("#logout-guard")
    dialog.get_by_text("perubahan di ponsel ini belum terkirim").wait_for()
    dialog.get_by_role("button", name="Batal").click()
    assert waiting(page) == 3
    # Sent, then signing out clears the phone's data.
    page.context.unroute("**/api/v1/luring/kirim")
    page.get_by_role("button", name="Sinkronkan sekarang").click()
    wait_waiting(page, 0)
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r"/akun/masuk/|/$"))
    names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
    assert "posyandu-luring" not in names


def test_app_shell_size_within_budget(client: Any) -> None:
    """The app shell and the engine, gzip on the wire: printed, and within the 2 MB budget."""
    import gzip

    from django.contrib.staticfiles import finders

    from posyandu.sinkron.pwa_views import ENGINE_DATA_URLS, precache_static

    total_raw = total_gz = 0
    for path in precache_static():
        data = Path(str(finders.find(path))).read_bytes()
        total_raw += len(data)
        total_gz += len(gzip.compress(data, 6))
    for url in ["/luring/app/", "/luring/offline/", "/luring/sw.js", *ENGINE_DATA_URLS]:
        response = client.get(url)
        assert response.status_code == 200, url
        data = response.content
        total_raw += len(data)
        total_gz += len(gzip.compress(data, 6))
    print(f"\napp shell + engine: {total_raw / 1024:.0f} KiB raw, {total_gz / 1024:.0f} KiB gzip")
    print(f"files: {len(precache_static())} static + 5 pages/data")
    assert total_gz < 2 * 1024 * 1024


def test_correct_a_weight_and_screen_offline(phone, live_server, world):
    kid = children(world)[2]
    today = timezone.localdate()
    page = phone
    sign_in(page, live_server, "kader_a")
    open_app(page, live_server)
    page.context.set_offline(True)
    page.get_by_role("button", name="Buka", exact=True).click()
    check_in(page, kid.nama)
    weigh(page, "9,0")
    entry = page.locator("[data-measurement]")
    entry.get_by_role("button", name="Koreksi").click()
    entry.get_by_label("Berat badan (kg)").fill("9,2")
    entry.get_by_label("Alasan koreksi").fill("timbangan belum nol")
    entry.locator("form").get_by_role("button", name="Koreksi").click()
    page.get_by_text("Dikoreksi di ponsel ini.").wait_for()
    page.get_by_label("Skrining yang dicatat").select_option(label="Skrining gejala TBC")
    page.get_by_label("Batuk (berapa pun lamanya)?").check()
    page.get_by_role("button", name="Simpan skrining").click()
    page.get_by_text("Skrining tersimpan di ponsel ini").wait_for()
    assert fits_phone(page)
    page.context.set_offline(False)
    wait_waiting(page, 0)
    assert page.locator("#luring-status [data-rejected]").count() == 0
    weighing = Pengukuran.objects.get(sasaran=kid, tanggal=today)
    assert weighing.berat_kg == Decimal("9.2")
    assert weighing.version > 1
    screening = HasilSkrining.objects.get(sasaran=kid, definisi="tbc")
    assert screening.jawaban["batuk"] is True
