"""Read-mostly admin: results keep the definition version that computed them, so the
computed fields are read-only; other changes are audited by Record.save."""

from django.contrib import admin

from posyandu.core.admin import ReadMostlyAdmin
from posyandu.skrining.models import HasilSkrining


@admin.register(HasilSkrining)
class HasilSkriningAdmin(ReadMostlyAdmin):
    list_display = ["sasaran", "definisi", "tanggal", "kategori", "tingkat", "perlu_rujuk"]
    list_filter = ["definisi", "tingkat", "perlu_rujuk"]
    search_fields = ["sasaran__nama", "sasaran__nik"]
    raw_id_fields = ["sasaran", "rujukan", "kunjungan", "dicatat_oleh"]
    readonly_fields = [
        "definisi",
        "definisi_versi",
        "jawaban",
        "nilai",
        "kategori",
        "tingkat",
        "tags",
        "perlu_rujuk",
        "alasan",
        "peringatan",
        "public_id",
        "version",
    ]
