from django.urls import path

from posyandu.pokjanal import forms_views, views

app_name = "pokjanal"
urlpatterns = [
    path("<str:kode>/", views.workspace, name="workspace"),
    path("<str:kode>/<str:entity>/baru/", forms_views.entity_form, name="create"),
    path("<str:kode>/<str:entity>/<uuid:public_id>/ubah/", forms_views.entity_form, name="edit"),
]
