import segno
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token

from posyandu.accounts import two_factor
from posyandu.accounts.decorators import public, signed_in
from posyandu.accounts.forms import LoginForm
from posyandu.audit.recorder import log
from posyandu.core import ratelimit

TWO_FACTOR_RATE = "5/5m"

login = public("the sign-in page")(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = signed_in("signing out only ends the user's own session")(auth_views.LogoutView.as_view())
password_change = signed_in("a user changes their own password")(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = signed_in("confirmation of the user's own password change")(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else reverse("home")


@signed_in("the user's own second sign-in step (one-time code)")
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code of the app, or a recovery code: rate limited per user, audited."""
    error = ""
    if request.method == "POST":
        if not ratelimit.allow(f"two-factor:user:{request.user.pk}", TWO_FACTOR_RATE):
            error = _("Too many attempts. Wait a few minutes and try again.")
        else:
            token = (request.POST.get("token") or "").replace(" ", "")
            device = match_token(request.user, token) if token else None
            if device is not None:
                otp_login(request, device)
                log("login", model="accounts.User", object_id=str(request.user.pk),
                    metadata={"second_factor": device.__class__.__name__})  # fmt: skip
                return redirect(_next(request))
            error = _("The code is not right. Use the code your app shows now.")
            log("login_failed", model="accounts.User", object_id=str(request.user.pk),
                metadata={"second_factor": "wrong code"})  # fmt: skip
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"error": error, "next": request.GET.get("next", "")},
    )


@signed_in("the user sets up their own authenticator app")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with one code, keep the recovery codes.
    A user who already has an app must pass the second step before replacing it."""
    user = request.user
    if two_factor.has_app(user) and not two_factor.is_verified(user):
        return redirect("accounts:two_factor_verify")
    device = two_factor.pending_app(user)
    error = ""
    if request.method == "POST":
        codes = two_factor.app_confirm(device=device, token=request.POST.get("token") or "")
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        error = _("The code is not right. Use the code your app shows now.")
    qr = segno.make(two_factor.config_url(device), error="m").svg_data_uri(scale=4)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "qr": qr,
            "secret": two_factor.secret_text(device),
            "error": error,
            "required": two_factor.requires_two_factor(user),
            "next": request.GET.get("next", ""),
        },
    )


@signed_in("the user's own two-factor status and recovery codes")
def two_factor_status(request: HttpRequest) -> HttpResponse:
    user = request.user
    codes = None
    if request.method == "POST" and two_factor.is_verified(user):
        codes = two_factor.recovery_codes_renew(user=user)
    return render(
        request,
        "accounts/two_factor_status.html",
        {
            "enabled": two_factor.has_app(user),
            "required": two_factor.requires_two_factor(user),
            "codes": codes,
        },
    )
