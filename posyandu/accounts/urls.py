from django.urls import path

from posyandu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login, name="login"),
    path("keluar/", views.logout, name="logout"),
    path("kata-sandi/", views.password_change, name="password_change"),
    path("kata-sandi/selesai/", views.password_change_done, name="password_change_done"),
    path("dua-langkah/", views.two_factor_status, name="two_factor"),
    path("dua-langkah/kode/", views.two_factor_verify, name="two_factor_verify"),
    path("dua-langkah/atur/", views.two_factor_setup, name="two_factor_setup"),
]
