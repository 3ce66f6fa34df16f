"""The installable app's server side: manifest, service worker, shell, offline page, `saya`."""

import json

import pytest
from django.test import Client

from posyandu.sinkron.pwa_messages import MESSAGES

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_and_its_icons(client: Client) -> None:
    response = client.get("/luring/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["display"] == "standalone"
    assert body["start_url"] == "/luring/app/"
    assert body["lang"] == "id"
    assert {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    assert [i["purpose"] for i in body["icons"] if "purpose" in i] == ["maskable"]


def test_service_worker_may_control_the_whole_site(client: Client) -> None:
    response = client.get("/luring/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("application/javascript")
    text = response.content.decode()
    assert '"/luring/app/"' in text and '"/luring/offline/"' in text
    assert "/static/sinkron/luring-app.js" in text
    assert "/hari/mesin/tabel.json" in text


def test_shell_and_offline_page_hold_no_personal_data(client: Client, world) -> None:
    client.force_login(world.kader_a)
    shell = client.get("/luring/app/").content.decode()
    assert "kader_a" not in shell and world.posyandu_a.nama not in shell
    assert 'id="luring-i18n"' in shell
    offline = client.get("/luring/offline/")
    assert offline.status_code == 200
    assert "Tidak ada sambungan" in offline.content.decode()


def test_labels_come_translated(client: Client) -> None:
    shell = client.get("/luring/app/").content.decode()
    start = shell.index('id="luring-i18n"')
    labels = json.loads(shell[shell.index(">", start) + 1 : shell.index("</script>", start)])
    assert set(labels) == set(MESSAGES)
    assert labels["Save measurement"] == "Simpan pengukuran"


def test_saya_lists_only_the_kader_s_own_posyandu(client: Client, world) -> None:
    client.force_login(world.kader_a)
    body = client.get("/luring/app/saya.json").json()
    assert body["username"] == "kader_a"
    assert [p["id"] for p in body["posyandu"]] == [str(world.posyandu_a.public_id)]


def test_saya_needs_sign_in(client: Client) -> None:
    assert client.get("/luring/app/saya.json").status_code == 302
