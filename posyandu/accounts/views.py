from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from posyandu.accounts.decorators import public, signed_in
from posyandu.accounts.forms import LoginForm

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
