from django.urls import path

from posyandu.imunisasi import views

app_name = "imunisasi"
urlpatterns = [
    path("orang/<uuid:sasaran_id>/dosis/", views.dose_record_view, name="record"),
    path("posyandu/<uuid:posyandu_id>/jatuh-tempo/", views.due_list_view, name="due_list"),
]
