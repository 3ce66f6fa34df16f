"""Two-factor sign-in (issue 16): a TOTP app (Google Authenticator, Aegis, ...) plus ten
one-time recovery codes, on django-otp. Required for the roles of
settings.TWO_FACTOR_REQUIRED_ROLES (Dinkes, Puskesmas, admin) and superusers when
TWO_FACTOR_ENFORCED; any other user may turn it on, and then must use it too.

After the password, the middleware sends a user who still needs the second step to the code
page (or, without an app yet, to the setup page); nothing else is served until then, and the
API answers 403."""

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from posyandu.accounts.scope import scope_for
from posyandu.audit.recorder import log

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery"
APP_DEVICE = "app"
# Pages a user may open between the password and the second step.
OPEN_URLS = ("accounts:logout", "accounts:two_factor_verify", "accounts:two_factor_setup")
OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/favicon")


def requires_two_factor(user: Any) -> bool:
    if not getattr(settings, "TWO_FACTOR_ENFORCED", True):
        return False
    if user.is_superuser:
        return True
    required = set(getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", ()))
    return bool(scope_for(user).roles & required)


def has_app(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: Any) -> bool:
    """Passed the second step in this session (django-otp's OTPMiddleware sets it)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def needs_second_step(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    # The role first: the scope is read once per request anyway, so a user whose role requires
    # the second step costs no query of devices
    return requires_two_factor(user) or has_app(user)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_step(request) and not self._open(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Verifikasi dua langkah diperlukan."}, status=403)
            name = (
                "accounts:two_factor_verify"
                if has_app(request.user)
                else ("accounts:two_factor_setup")
            )
            return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path.startswith(OPEN_PREFIXES):
            return True
        return request.path in {reverse(name) for name in OPEN_URLS}


def pending_app(user: Any) -> TOTPDevice:
    """The app being set up (unconfirmed), made once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_DEVICE).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key to type into an app without a camera, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def config_url(device: TOTPDevice) -> str:
    return str(device.config_url)


@transaction.atomic
def app_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with its first code; returns the new recovery codes (None: wrong code).
    Any older app of the user is removed (one app per account)."""
    if not device.verify_token(token.replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    log("update", model="accounts.User", object_id=str(device.user.pk),
        metadata={"two_factor": "enabled"}, user=device.user)  # fmt: skip
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user: Any) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working. Stored as given (django-otp
    static tokens); shown once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    log("update", model="accounts.User", object_id=str(user.pk),
        metadata={"two_factor": "recovery_codes_renewed"}, user=user)  # fmt: skip
    return codes


def devices(user: Any) -> list[Any]:
    return list(devices_for_user(user, confirmed=True))
