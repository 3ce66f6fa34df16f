from django.contrib import admin

from posyandu.core.admin import ReadMostlyAdmin
from posyandu.kia.models import Kehamilan, KunjunganAnc, KunjunganNifas, Persalinan


@admin.register(Kehamilan)
class KehamilanAdmin(ReadMostlyAdmin):
    list_display = ["sasaran", "tanggal_daftar", "hpl", "status", "risiko"]
    list_filter = ["status", "dasar"]
    search_fields = ["sasaran__nama", "sasaran__nik"]
    raw_id_fields = ["sasaran", "dicatat_oleh"]
    readonly_fields = ["hpl", "dasar", "risiko", "risiko_versi", "public_id", "version"]


@admin.register(KunjunganAnc)
class KunjunganAncAdmin(ReadMostlyAdmin):
    list_display = ["kehamilan", "tanggal", "oleh_dokter", "lila_cm", "sistole", "diastole", "hb"]
    search_fields = ["kehamilan__sasaran__nama"]
    raw_id_fields = ["kehamilan", "kunjungan", "dicatat_oleh"]
    readonly_fields = ["public_id", "version"]


@admin.register(Persalinan)
class PersalinanAdmin(ReadMostlyAdmin):
    list_display = ["kehamilan", "tanggal", "tempat", "bayi_lahir_hidup", "berat_lahir_g"]
    search_fields = ["kehamilan__sasaran__nama"]
    raw_id_fields = ["kehamilan", "bayi"]
    readonly_fields = ["public_id", "version"]


@admin.register(KunjunganNifas)
class KunjunganNifasAdmin(ReadMostlyAdmin):
    list_display = ["persalinan", "jenis", "ke", "tanggal"]
    list_filter = ["jenis"]
    raw_id_fields = ["persalinan"]
    readonly_fields = ["public_id", "version"]
