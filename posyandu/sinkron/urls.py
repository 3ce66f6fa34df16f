from django.urls import include, path

from posyandu.sinkron import views

app_name = "sinkron"
urlpatterns: list = [
    path("konflik/", views.konflik_list, name="konflik"),
    path("konflik/<uuid:public_id>/", views.konflik_detail, name="konflik_detail"),
    path("", include("posyandu.sinkron.pwa_urls")),  # the installable app (issue 12)
]
