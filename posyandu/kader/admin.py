from django.contrib import admin

from posyandu.kader.models import Kader


@admin.register(Kader)
class KaderAdmin(admin.ModelAdmin):
    list_display = ["nama", "posyandu", "aktif"]
    search_fields = ["nama"]
    autocomplete_fields = ["posyandu", "user"]
