"""The region browser under /wilayah/. Its URL names keep the "wilayah" namespace
(`wilayah:browse`), as the URLs keep their prefix, though the views live in fasilitas."""

from django.urls import path

from posyandu.fasilitas import views

app_name = "wilayah"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:kode>/", views.browse, name="browse"),
]
