from django.urls import path

from posyandu.rujukan import views

app_name = "rujukan"
urlpatterns = [
    path("", views.rujukan_list, name="list"),
    path("<uuid:public_id>/", views.rujukan_detail, name="detail"),
    path("baru/<uuid:sasaran_id>/", views.rujukan_new, name="new"),
]
