from django.urls import path

from posyandu.sesi import confirm_views, correction_views, engine_views, views

app_name = "sesi"
urlpatterns = [
    path("", views.sesi_list, name="list"),
    path("mesin/tabel.json", engine_views.engine_tables, name="engine_tables"),
    path("mesin/aturan.json", engine_views.engine_rules, name="engine_rules"),
    path("jadwal/<uuid:posyandu_id>/", views.jadwal_edit, name="jadwal"),
    path("<uuid:public_id>/", views.sesi_detail, name="detail"),
    path("<uuid:public_id>/cari/", views.sesi_search, name="search"),
    path("<uuid:public_id>/hadir/<uuid:sasaran_id>/", views.sesi_checkin, name="checkin"),
    path("<uuid:public_id>/baru/", views.person_new, name="person_new"),
    path("<uuid:public_id>/ringkasan/", views.sesi_summary, name="summary"),
    path("<uuid:public_id>/register/", views.sesi_register, name="register"),
    path("kunjungan/<uuid:public_id>/", views.kunjungan_detail, name="kunjungan"),
    path("kunjungan/<uuid:public_id>/hasil/", views.kunjungan_preview, name="preview"),
    path("kunjungan/<uuid:public_id>/layanan/", views.kunjungan_service, name="service"),
    path(
        "koreksi/<str:label>/<uuid:public_id>/",
        correction_views.record_correction,
        name="koreksi",
    ),
    path("kunjungan/<uuid:public_id>/urungkan/", correction_views.kunjungan_undo, name="undo"),
    path(
        "pengukuran/<uuid:public_id>/konfirmasi/",
        confirm_views.measurement_confirmation,
        name="konfirmasi",
    ),
    path("anak/<uuid:public_id>/kartu/", views.child_card, name="kartu"),
    path("anak/<uuid:public_id>/grafik/<str:key>.svg", views.chart_svg, name="chart"),
]
