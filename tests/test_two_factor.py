"""Issue 16: two-factor sign-in (TOTP + recovery codes) required for Dinkes, Puskesmas and
admin, optional for others; nothing (pages or API) before the second step."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from posyandu.accounts.tests.factories import PASSWORD
from posyandu.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def sign_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_dinkes_must_set_up_an_app_then_signs_in_with_codes(client, world):
    sign_in(client, world.dinkes_kota)
    page = client.get(reverse("laporan:home"))
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:two_factor_setup"))
    assert client.get("/api/v1/sasaran").status_code == 403
    setup = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "data:image/svg+xml" in setup
    device = TOTPDevice.objects.get(user=world.dinkes_kota, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "tidak benar" in wrong.content.decode() or "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp waits after a wrong code (the test clock stands still)
    done = client.post(reverse("accounts:two_factor_setup"), {"token": code_of(device)})
    codes = re.findall(r"<code>([a-z0-9]+)</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("laporan:home")).url == "/laporan/wilayah/14.71/"
    assert client.get("/api/v1/sasaran").status_code == 200

    # next sign-in: the code page first; a recovery code works once
    client.logout()
    sign_in(client, world.dinkes_kota)
    assert client.get(reverse("laporan:home")).url.startswith(reverse("accounts:two_factor_verify"))
    ok = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0], "next": "/"})
    assert ok.status_code == 302 and ok.url == "/"
    assert client.get(reverse("laporan:home")).url == "/laporan/wilayah/14.71/"
    client.logout()
    sign_in(client, world.dinkes_kota)
    again = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert again.status_code == 200  # used up
    assert AuditEvent.objects.filter(action="login", metadata__second_factor="StaticDevice")


@pytest.mark.parametrize("role", ["puskesmas_staff", "admin"])
def test_puskesmas_and_admin_need_the_second_step(client, world, role):
    sign_in(client, getattr(world, role))
    response = client.get(reverse("laporan:home"))
    assert response.status_code == 302 and "dua-langkah" in response.url


def test_kader_is_not_forced_but_may_turn_it_on(client, world):
    sign_in(client, world.kader_a)
    assert client.get(reverse("sasaran:list")).status_code == 200
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=world.kader_a)
    client.post(reverse("accounts:two_factor_setup"), {"token": code_of(device)})
    client.logout()
    sign_in(client, world.kader_a)  # now the kader has an app: the second step applies
    assert client.get(reverse("sasaran:list")).url.startswith(reverse("accounts:two_factor_verify"))


@override_settings(RATELIMIT_ENABLE=True)
def test_code_guessing_is_rate_limited(client, world):
    sign_in(client, world.kader_a)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=world.kader_a)
    client.post(reverse("accounts:two_factor_setup"), {"token": code_of(device)})
    client.logout()
    sign_in(client, world.kader_a)
    for _ in range(5):
        client.post(reverse("accounts:two_factor_verify"), {"token": "123456"})
    blocked = client.post(reverse("accounts:two_factor_verify"), {"token": code_of(device)})
    assert blocked.status_code == 200  # even the right code waits until the window ends
