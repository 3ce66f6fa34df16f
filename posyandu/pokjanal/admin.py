from django.contrib import admin

from posyandu.pokjanal import models


@admin.register(models.Anggota)
class AnggotaAdmin(admin.ModelAdmin):
    list_display = ("nama", "opd", "jabatan", "wilayah", "aktif")
    search_fields = ("nama", "opd")


class TindakLanjutInline(admin.TabularInline):
    model = models.TindakLanjut
    extra = 1


@admin.register(models.Rapat)
class RapatAdmin(admin.ModelAdmin):
    list_display = ("tanggal", "judul", "wilayah")
    inlines = [TindakLanjutInline]


@admin.register(models.ProgramOpd)
class ProgramOpdAdmin(admin.ModelAdmin):
    list_display = ("nama", "opd", "desa", "posyandu", "status")
    list_filter = ("status",)


@admin.register(models.KunjunganPembinaan)
class KunjunganPembinaanAdmin(admin.ModelAdmin):
    list_display = ("tanggal", "posyandu", "tindak_lanjut_selesai")


@admin.register(models.SpmPosyandu)
class SpmPosyanduAdmin(admin.ModelAdmin):
    list_display = ("posyandu", "tahun")
