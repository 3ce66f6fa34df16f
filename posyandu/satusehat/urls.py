from django.urls import path

from posyandu.satusehat import views

app_name = "satusehat"
urlpatterns = [
    path("", views.kiriman_list, name="list"),
    path("<int:pk>/ulang/", views.kiriman_retry, name="retry"),
]
