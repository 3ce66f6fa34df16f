from django.contrib import admin

from posyandu.fasilitas.models import Labkesmas, Posyandu, Puskesmas, Pustu


@admin.register(Puskesmas)
class PuskesmasAdmin(admin.ModelAdmin):
    list_display = ["nama", "kecamatan", "satusehat_org_id"]
    search_fields = ["nama", "kode"]
    autocomplete_fields = ["kecamatan"]
    filter_horizontal = ["wilayah_kerja"]


@admin.register(Pustu)
class PustuAdmin(admin.ModelAdmin):
    list_display = ["nama", "desa", "puskesmas"]
    search_fields = ["nama"]
    autocomplete_fields = ["desa", "puskesmas"]


@admin.register(Posyandu)
class PosyanduAdmin(admin.ModelAdmin):
    list_display = ["nama", "desa", "puskesmas", "is_prima"]
    list_filter = ["is_prima"]
    search_fields = ["nama", "kode", "desa__nama"]
    autocomplete_fields = ["desa", "puskesmas", "pustu"]


@admin.register(Labkesmas)
class LabkesmasAdmin(admin.ModelAdmin):
    list_display = ["nama", "wilayah", "tingkat"]
    search_fields = ["nama"]
    autocomplete_fields = ["wilayah"]
