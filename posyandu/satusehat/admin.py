from django.contrib import admin

from posyandu.core.admin import ReadMostlyAdmin
from posyandu.satusehat.models import IdSatusehat, Kiriman, TokenInfo


@admin.register(IdSatusehat)
class IdSatusehatAdmin(admin.ModelAdmin):
    """Organization and Location ids of the facilities ("puskesmas:3", "posyandu:12") are
    set here or with `manage.py satusehat ids`; the others are stored by the worker."""

    list_display = ["resource", "lokal", "remote", "dibuat"]
    list_filter = ["resource"]
    search_fields = ["lokal", "remote"]


@admin.register(Kiriman)
class KirimanAdmin(ReadMostlyAdmin):
    list_display = ["kunci", "revisi", "jenis", "status", "percobaan", "diubah", "alasan"]
    list_filter = ["status", "jenis"]
    search_fields = ["kunci"]
    readonly_fields = [f.name for f in Kiriman._meta.fields]


@admin.register(TokenInfo)
class TokenInfoAdmin(ReadMostlyAdmin):
    list_display = ["organization_id", "diperoleh", "berlaku_sampai", "pembaruan"]
