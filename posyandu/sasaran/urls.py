from django.urls import path

from posyandu.sasaran import views

app_name = "sasaran"
urlpatterns = [
    path("", views.sasaran_list, name="list"),
    path("baru/", views.sasaran_new, name="new"),
    path("cek-nik/", views.nik_check, name="nik_check"),
    path("keluarga/baru/", views.keluarga_new, name="keluarga_new"),
    path("<uuid:public_id>/", views.sasaran_detail, name="detail"),
    path("<uuid:public_id>/gabung/", views.sasaran_merge_view, name="merge"),
    path("<uuid:public_id>/ubah/", views.sasaran_edit, name="edit"),
    path("<uuid:public_id>/status/", views.sasaran_status, name="status"),
    path("keluarga/", views.keluarga_list, name="keluarga_list"),
    path("keluarga/<uuid:public_id>/", views.keluarga_detail, name="keluarga_detail"),
]
