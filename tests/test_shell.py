from django.urls import reverse


def test_healthz_reports_database_status(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["database_vendor"] in {"sqlite", "postgresql"}


def test_readyz_is_ready_when_migrated_and_not_when_a_migration_is_missing(client, db, monkeypatch):
    body = client.get("/readyz").json()
    assert body == {"status": "ok", "database": "ok", "migrations": "ok", "cache": "ok"}

    monkeypatch.setattr("config.views._unapplied_migrations", lambda: 2)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "2 not applied"


def test_html_and_json_are_compressed_for_a_client_that_accepts_gzip(client, world):
    client.force_login(world.admin)
    plain = client.get("/api/v1/openapi.json")
    packed = client.get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) * 4 < len(plain.content)


def test_ui_is_indonesian_by_default_and_english_on_request(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="id"' in page and "Kata sandi" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in page and "Password" in page


def test_navigation_follows_the_role(client, world):
    client.force_login(world.kader_a)
    kader_page = client.get(reverse("home")).content.decode()
    assert reverse("kader:list") in kader_page
    assert reverse("admin:index") not in kader_page

    client.force_login(world.pokjanal_kota)
    pokjanal_page = client.get(reverse("home")).content.decode()
    assert reverse("kader:list") in pokjanal_page  # their region's kader, no contacts (issue 15)
    assert reverse("sasaran:list") not in pokjanal_page
    assert reverse("wilayah:browse") in pokjanal_page


def test_pokjanal_display_name_is_a_setting(client, world, settings):
    settings.POKJANAL_DISPLAY_NAME = "Tim Pembina Posyandu"
    client.force_login(world.pokjanal_kec)
    assert "Tim Pembina Posyandu" in client.get(reverse("home")).content.decode()


def test_openapi_schema_lists_the_endpoints(client, world):
    client.force_login(world.admin)
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/posyandu", "/api/v1/kader", "/api/v1/me"} <= set(schema["paths"])


def test_browser_language_does_not_override_indonesian_default(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in page.content.decode()
    assert page["Content-Language"] == "id"
