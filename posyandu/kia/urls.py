from django.urls import path

from posyandu.kia import views

app_name = "kia"
urlpatterns = [path("orang/<uuid:sasaran_id>/<str:action>/", views.kia_action, name="action")]
