from django.urls import path

from posyandu.skrining import views

app_name = "skrining"
urlpatterns = [
    path("orang/<uuid:sasaran_id>/", views.person_services, name="person"),
    path("orang/<uuid:sasaran_id>/<slug:definition_id>/", views.screening_form, name="form"),
    path("hasil/<uuid:hasil_id>/rujuk/", views.screening_refer_view, name="refer"),
]
