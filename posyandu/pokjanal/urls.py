from django.urls import path, re_path

from posyandu.pokjanal import forms_views, spm_views, views

app_name = "pokjanal"
urlpatterns = [
    path("posyandu/<uuid:public_id>/spm/", spm_views.posyandu_spm, name="posyandu_spm"),
    path("<str:kode>/", views.workspace, name="workspace"),
    re_path(
        r"^(?P<kode>[0-9.]+)/strata\.(?P<fmt>csv|xlsx)$", views.strata_export, name="strata_export"
    ),
    path("<str:kode>/<str:entity>/baru/", forms_views.entity_form, name="create"),
    path("<str:kode>/<str:entity>/<uuid:public_id>/ubah/", forms_views.entity_form, name="edit"),
]
