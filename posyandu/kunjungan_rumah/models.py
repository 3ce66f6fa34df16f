"""Home visits (kunjungan rumah) by kader and bidan, like the ASIK home-visit form."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Keluarga, Sasaran
from posyandu.wilayah.models import Wilayah


class KunjunganRumah(CoLocated, Record):
    """One visit to a household: who was met, what was checked, found, done and planned."""

    class TindakLanjut(models.TextChoices):
        TIDAK_ADA = "tidak_ada", _("none needed")
        KUNJUNGAN_ULANG = "kunjungan_ulang", _("visit again")
        DATANG_POSYANDU = "datang_posyandu", _("come to the next Posyandu day")
        RUJUK = "rujuk", _("refer to Pustu / Puskesmas")
        LAPOR_BIDAN = "lapor_bidan", _("report to the village midwife")

    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="+")
    # Denormalised from the Posyandu so region queries need no join.
    desa = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    keluarga = models.ForeignKey(
        Keluarga, null=True, blank=True, on_delete=models.SET_NULL, related_name="kunjungan_rumah"
    )
    tanggal = models.DateField(_("visit date"), db_index=True)
    petugas = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    bertemu = models.BooleanField(_("family met"), default=True)
    temuan = models.TextField(_("what was found"), blank=True)
    tindakan = models.TextField(_("what was done"), blank=True)
    tindak_lanjut = models.CharField(
        _("follow-up"), max_length=20, choices=TindakLanjut.choices, default=TindakLanjut.TIDAK_ADA
    )
    tanggal_tindak_lanjut = models.DateField(_("follow-up date"), null=True, blank=True)
    # Public ids of the open follow-up tasks the visitor said this visit answers; the tugas
    # app closes those of the members seen (derived data: tugas/listeners.py).
    tugas_dipilih = models.JSONField(_("tasks answered"), default=list, blank=True)

    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        indexes = [models.Index(fields=["posyandu", "tanggal"])]

    def __str__(self) -> str:
        return f"{self.keluarga or self.posyandu} {self.tanggal:%d-%m-%Y}"


class AnggotaDikunjungi(CoLocated, Record):
    """A family member seen at a home visit, with the checklist of their life stage."""

    kabkota_from = "kunjungan"  # a member seen lives with the home visit

    kunjungan = models.ForeignKey(KunjunganRumah, on_delete=models.CASCADE, related_name="anggota")
    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="+")
    tahap = models.CharField(_("life stage"), max_length=30)
    # {item code: true/false} of the checklist version named in ceklis_versi.
    ceklis = models.JSONField(_("checklist"), default=dict, blank=True)
    ceklis_versi = models.CharField(max_length=20, blank=True)
    catatan = models.CharField(_("note"), max_length=250, blank=True)
    pengukuran = models.ForeignKey(
        "sesi.Pengukuran", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        verbose_name = _("member seen")
        verbose_name_plural = _("members seen")
        constraints = [
            models.UniqueConstraint(
                fields=["kunjungan", "sasaran"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_row_per_member_per_home_visit",
            )
        ]
