from django.urls import path

from posyandu.wilayah import views

app_name = "wilayah"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:kode>/", views.browse, name="browse"),
]
