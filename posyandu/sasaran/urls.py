from django.urls import path

from posyandu.sasaran import views

app_name = "sasaran"
urlpatterns = [
    path("", views.sasaran_list, name="list"),
    path("baru/", views.sasaran_new, name="new"),
    path("cek-nik/", views.nik_check, name="nik_check"),
    path("keluarga/baru/", views.keluarga_new, name="keluarga_new"),
    path("pindah-masuk/", views.pindah_masuk, name="pindah_masuk"),
    path("pindah/", views.pindah_list, name="pindah_list"),
    path("pindah/<uuid:public_id>/", views.pindah_decide, name="pindah_decide"),
    path("<uuid:public_id>/", views.sasaran_detail, name="detail"),
    path("<uuid:public_id>/gabung/", views.sasaran_merge_view, name="merge"),
    path("<uuid:public_id>/ubah/", views.sasaran_edit, name="edit"),
    path("<uuid:public_id>/nik/", views.nik_show, name="nik_show"),
    path("<uuid:public_id>/salinan.pdf", views.salinan, name="salinan"),
    path("persetujuan/<uuid:public_id>/cabut/", views.persetujuan_cabut, name="consent_withdraw"),
    path("<uuid:public_id>/status/", views.sasaran_status, name="status"),
    path("keluarga/", views.keluarga_list, name="keluarga_list"),
    path("keluarga/<uuid:public_id>/", views.keluarga_detail, name="keluarga_detail"),
]
