from django.contrib import admin

from posyandu.wilayah.models import Wilayah


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin):
    list_display = ["kode", "nama", "tingkat", "aktif"]
    list_filter = ["tingkat", "aktif"]
    search_fields = ["kode", "nama"]
    readonly_fields = ["kode", "induk"]
