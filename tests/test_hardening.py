"""Issue 16, hardening: open redirect, security headers without inline script, no-store on
personal pages, sessions, the password policy, demo mode without DEBUG, `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from posyandu.accounts.tests.factories import PASSWORD
from posyandu.sasaran.tests.factories import SasaranFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://evil.example", "javascript:x"]
)
def test_no_open_redirect_after_creating_a_household(client, world, target):
    client.force_login(world.kader_a)
    url = reverse("sasaran:keluarga_new") + "?next=" + target
    response = client.post(url, {"kepala_keluarga": "Budi", "posyandu": world.posyandu_a.pk})
    assert response.status_code == 302 and response.url == reverse("sasaran:new")


def test_redirect_to_a_page_of_this_site_still_works(client, world):
    client.force_login(world.kader_a)
    url = reverse("sasaran:keluarga_new") + "?next=/sasaran/"
    response = client.post(url, {"kepala_keluarga": "Budi", "posyandu": world.posyandu_a.pk})
    assert response.url == "/sasaran/"


def test_pages_carry_a_csp_without_inline_script_and_personal_pages_no_store(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a)
    client.force_login(world.kader_a)
    for url in (reverse("sasaran:list"), reverse("sasaran:detail", args=[person.public_id])):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "frame-ancestors 'none'" in csp
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "inline <script>"
        assert "javascript:" not in html
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_handlers():
    offenders = []
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("posyandu/*/templates/**/*.html")]
    for template in templates:
        text = template.read_text(encoding="utf-8")
        if re.search(r"\son(click|load|change|submit|input)=", text) or "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_production_redirects_to_https_and_sends_hsts(client, world):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 301 and response.url.startswith("https://")
    secure = client.get(reverse("accounts:login"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_ends_with_the_browser_and_is_short(client, world):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    response = client.post(
        reverse("accounts:login"), {"username": world.kader_a.username, "password": PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


@pytest.mark.parametrize("password", ["posyandu", "Kader2026", "Posyandu#2026", "bidanbidan1"])
def test_password_policy_refuses_common_and_domain_words(password, world):
    with pytest.raises(ValidationError):
        validate_password(password, world.kader_a)


def test_password_policy_refuses_the_users_own_data(world):
    user = world.kader_a
    user.first_name, user.telepon = "Sulastri", "0812-7788-9911"
    with pytest.raises(ValidationError):
        validate_password(f"{user.username}!Bagus77", user)
    with pytest.raises(ValidationError):
        validate_password("Sulastri-Ku-2026", user)
    with pytest.raises(ValidationError):
        validate_password("Kupu%889911xy", user)
    validate_password("Kupu-kupu Hijau 51", user)


def _run_settings(
    extra_env: dict[str, str], code: str, data_dir: Path
) -> subprocess.CompletedProcess[str]:
    # A production-like environment: none of what the test run itself sets (the browser
    # tests' conftest allows Django's ORM in Playwright's event loop, for instance).
    left_out = ("DATABASE_URL", "DEBUG", "DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    # ... nor the developer's .env (`make run` writes one in demo mode)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATA_DIR": str(data_dir),
            "ENV_FILE": os.devnull,
        }
    )
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_demo_runs_with_debug_off(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DEMO_MODE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    done = _run_settings({"DEMO": "true", "SECRET_KEY": "x" * 60}, code, tmp_path)
    assert done.stdout.split() == ["False", "True", "False", "False"], done.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    production = {
        "SECRET_KEY": "k" * 20 + "Zq8!m2#LrP0x" * 4,
        "ALLOWED_HOSTS": "posyandu.dinkes.example.go.id",
        "BEHIND_PROXY": "true",
    }
    code = "import django, sys; from django.core.management import execute_from_command_line; execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"  # noqa: E501
    done = _run_settings(production, code, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
