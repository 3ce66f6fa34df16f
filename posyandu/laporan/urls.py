from django.urls import path, re_path

from posyandu.laporan import views, views_prevalensi, views_proyeksi, views_sip

app_name = "laporan"
urlpatterns = [
    path("", views.home, name="home"),
    path("indikator/", views.indikator, name="indikator"),
    path("proyeksi/", views_proyeksi.proyeksi_upload, name="proyeksi"),
    path("wilayah/<str:kode>/", views.wilayah, name="wilayah"),
    path("wilayah/<str:kode>/laporan.pdf", views.wilayah_pdf, name="wilayah_pdf"),
    re_path(
        r"^wilayah/(?P<kode>[0-9.]+|semua)/(?P<kind>skdn|gizi|cakupan)\.(?P<fmt>csv|xlsx)$",
        views.wilayah_export,
        name="wilayah_export",
    ),
    re_path(
        r"^wilayah/(?P<kode>[0-9.]+)/prevalensi\.csv$",
        views_prevalensi.wilayah_prevalensi,
        name="wilayah_prevalensi",
    ),
    path("posyandu/<uuid:public_id>/", views.posyandu, name="posyandu"),
    path("posyandu/<uuid:public_id>/sip/<int:nomor>/", views_sip.sip_page, name="sip"),
    path("posyandu/<uuid:public_id>/sip/<int:nomor>.xlsx", views_sip.sip_xlsx, name="sip_xlsx"),
    path("posyandu/<uuid:public_id>/laporan.pdf", views.posyandu_pdf, name="posyandu_pdf"),
    re_path(
        r"^posyandu/(?P<public_id>[0-9a-f-]{36})/rekap\.(?P<fmt>csv|xlsx)$",
        views.posyandu_export,
        name="posyandu_export",
    ),
    re_path(
        r"^posyandu/(?P<public_id>[0-9a-f-]{36})/cakupan\.(?P<fmt>csv|xlsx)$",
        views.posyandu_cakupan_export,
        name="posyandu_cakupan_export",
    ),
]
