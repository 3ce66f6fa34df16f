from django.urls import path

from posyandu.pertukaran import views

app_name = "pertukaran"
urlpatterns = [
    path("", views.index, name="index"),
    path("impor/", views.upload, name="upload"),
    path("impor/<uuid:public_id>/", views.detail, name="detail"),
    path("impor/<uuid:public_id>/konfirmasi/", views.confirm, name="confirm"),
    path("impor/<uuid:public_id>/batalkan/", views.undo, name="undo"),
    path(
        "impor/<uuid:public_id>/ditolak.<str:fmt>",
        views.rejected,
        name="rejected",
    ),
    path("ekspor/", views.export, name="export"),
]
