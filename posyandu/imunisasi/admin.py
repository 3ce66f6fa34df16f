"""Read-mostly admin; doses are recorded through the services (changes here are audited)."""

from django.contrib import admin

from posyandu.core.admin import ReadMostlyAdmin
from posyandu.imunisasi.models import Imunisasi


@admin.register(Imunisasi)
class ImunisasiAdmin(ReadMostlyAdmin):
    list_display = ["sasaran", "vaksin", "tanggal", "tempat", "diberikan_di_sini", "batch"]
    list_filter = ["tempat", "diberikan_di_sini"]
    search_fields = ["sasaran__nama", "sasaran__nik", "vaksin", "batch"]
    raw_id_fields = ["sasaran", "kunjungan", "dicatat_oleh"]
    readonly_fields = ["jadwal_versi", "public_id", "version"]
