from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from config import views
from config.api import api
from posyandu.accounts.decorators import public

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("akun/", include("posyandu.accounts.urls")),
    path("wilayah/", include("posyandu.fasilitas.browser_urls")),
    path("", include("posyandu.fasilitas.urls")),
    path("kader/", include("posyandu.kader.urls")),
    path("laporan/", include("posyandu.laporan.urls")),
    path("pokjanal/", include("posyandu.pokjanal.urls")),
    path("sasaran/", include("posyandu.sasaran.urls")),
    path("hari/", include("posyandu.sesi.urls")),
    path("rujukan/", include("posyandu.rujukan.urls")),
    path("tugas/", include("posyandu.tugas.urls")),
    path("kunjungan-rumah/", include("posyandu.kunjungan_rumah.urls")),
    path("bahasa/", public("choosing the UI language")(set_language), name="set_language"),
    path("imunisasi/", include("posyandu.imunisasi.urls")),
    path("kia/", include("posyandu.kia.urls")),
    path("skrining/", include("posyandu.skrining.urls")),
    path("luring/", include("posyandu.sinkron.urls")),
    path("pertukaran/", include("posyandu.pertukaran.urls")),
    path("dhis2/", include("posyandu.dhis2.urls")),
    path("satusehat/", include("posyandu.satusehat.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
