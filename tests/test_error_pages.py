"""Errors speak the user's language: the API's own 401/404 answers and the 500 page."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_api_asks_an_anonymous_caller_to_sign_in_in_indonesian(client):
    response = client.get("/api/v1/sasaran")
    assert response.status_code == 401
    assert response.json() == {"detail": "Silakan masuk terlebih dahulu."}


def test_api_speaks_english_when_the_user_chose_it(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/api/v1/sasaran").json() == {"detail": "Sign in first."}


def test_api_not_found_is_indonesian(client, world):
    client.force_login(world.kader_a)
    response = client.get("/api/v1/sasaran/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."}


def test_server_error_page_renders_without_a_request():
    with translation.override("id"):
        page = render_to_string("500.html")
    assert "<h1>Kesalahan server</h1>" in page and 'href="/"' in page
