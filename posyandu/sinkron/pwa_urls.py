"""The installable app's addresses (under /luring/, included by sinkron/urls.py)."""

from django.urls import path

from posyandu.sinkron import pwa_views

urlpatterns = [
    path("sw.js", pwa_views.service_worker, name="sw"),
    path("manifest.webmanifest", pwa_views.manifest, name="manifest"),
    path("app/", pwa_views.app_shell, name="app"),
    path("app/saya.json", pwa_views.saya, name="saya"),
    path("offline/", pwa_views.offline_page, name="offline"),
]
