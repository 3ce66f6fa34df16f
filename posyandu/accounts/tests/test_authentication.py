from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.urls import reverse

from posyandu.accounts.models import User

PASSWORD = "Rahasia-Kuat-2026"


def test_login_with_the_right_password_lands_on_home(client, world):
    response = client.post(reverse("accounts:login"), {"username": "kader_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_account_locks_after_repeated_failures(client, world):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "kader_a", "password": "salah"})
    locked = client.post(url, {"username": "kader_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out.
    other = client.post(url, {"username": "bidan_1", "password": PASSWORD})
    assert other.status_code == 302


def test_wrong_password_message_is_in_indonesian(client, world):
    response = client.post(reverse("accounts:login"), {"username": "kader_a", "password": "x"})
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_demo_accounts_are_refused_outside_demo_mode(world):
    User.objects.filter(username="kader_a").update(is_demo=True)
    with override_settings(DEMO_MODE=False):
        assert (
            authenticate(RequestFactory().post("/"), username="kader_a", password=PASSWORD) is None
        )
    with override_settings(DEMO_MODE=True):
        assert (
            authenticate(RequestFactory().post("/"), username="kader_a", password=PASSWORD)
            is not None
        )


def test_password_change(client, world):
    client.force_login(world.bidan_1)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Kopi-Susu-Hangat-77",
            "new_password2": "Kopi-Susu-Hangat-77",
        },
    )
    assert response.status_code == 302
    world.bidan_1.refresh_from_db()
    assert world.bidan_1.check_password("Kopi-Susu-Hangat-77")


def test_password_change_refuses_domain_words(client, world):
    client.force_login(world.bidan_1)
    for weak in ("Posyandu2026", "Kader2026!!", "Bidan_1-Baru-77"):
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200, weak
    world.bidan_1.refresh_from_db()
    assert world.bidan_1.check_password(PASSWORD)


def test_logout_needs_post_and_ends_the_session(client, world):
    client.force_login(world.bidan_1)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302
