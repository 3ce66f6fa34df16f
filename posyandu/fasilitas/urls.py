from django.urls import path

from posyandu.fasilitas import views

app_name = "fasilitas"
urlpatterns = [
    path("posyandu/", views.posyandu_list, name="posyandu_list"),
    path("posyandu/<uuid:public_id>/", views.posyandu_detail, name="posyandu_detail"),
    path("puskesmas/<uuid:public_id>/", views.puskesmas_detail, name="puskesmas_detail"),
]
