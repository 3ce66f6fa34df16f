from django.urls import path

from posyandu.kader import views

app_name = "kader"
urlpatterns = [path("", views.kader_list, name="list")]
