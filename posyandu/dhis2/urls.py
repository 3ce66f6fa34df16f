from django.urls import path

from posyandu.dhis2 import views

app_name = "dhis2"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
]
