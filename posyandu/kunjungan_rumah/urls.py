from django.urls import path

from posyandu.kunjungan_rumah import views

app_name = "kunjungan_rumah"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("baru/", views.visit_new, name="new"),
    path("<uuid:public_id>/", views.visit_detail, name="detail"),
]
