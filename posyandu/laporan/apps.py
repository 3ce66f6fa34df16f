from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporanConfig(AppConfig):
    name = "posyandu.laporan"
    label = "laporan"
    verbose_name = _("Reports and dashboards")

    def ready(self) -> None:
        from posyandu.core.registry import register_record_listener
        from posyandu.laporan import aggregates

        register_record_listener("sesi.Pengukuran", aggregates.on_pengukuran_changed)
        register_record_listener("sasaran.Sasaran", aggregates.on_sasaran_changed)
        # Coverage and SPM (RekapLayanan), from the issue-5 records.
        from posyandu.laporan import cakupan

        for label in (
            "imunisasi.Imunisasi",
            "skrining.HasilSkrining",
            "rujukan.Rujukan",
        ):
            register_record_listener(label, cakupan.on_person_record_changed)
        register_record_listener("sesi.Pengukuran", cakupan.on_pengukuran_changed)
        register_record_listener("kia.Kehamilan", cakupan.on_kehamilan_changed)
        register_record_listener("kia.KunjunganAnc", cakupan.on_kehamilan_child_changed)
        register_record_listener("kia.Persalinan", cakupan.on_kehamilan_child_changed)
        register_record_listener("kia.KunjunganNifas", cakupan.on_nifas_changed)
        register_record_listener("sasaran.Sasaran", cakupan.on_sasaran_changed)
