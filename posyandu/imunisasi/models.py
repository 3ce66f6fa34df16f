"""Doses given (routine, BIAS, Td of women), here or elsewhere."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.sasaran.models import Sasaran


class Imunisasi(CoLocated, Record):
    kabkota_from = "sasaran"
    kabkota_also = ("kunjungan",)  # the same person's

    class Tempat(models.TextChoices):
        POSYANDU = "posyandu", _("Posyandu")
        PUSTU = "pustu", _("Pustu")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        SEKOLAH = "sekolah", _("school (BIAS)")
        RUMAH_SAKIT = "rumah_sakit", _("hospital")
        PRAKTIK = "praktik", _("private midwife / doctor")
        LAINNYA = "lainnya", _("elsewhere")

    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="imunisasi")
    # Dose code of rules/jadwal_imunisasi.json or bias.json (e.g. "DPT-HB-Hib-1"), or "Td".
    vaksin = models.CharField(_("dose"), max_length=30)
    tanggal = models.DateField(_("date given"))
    tempat = models.CharField(_("place"), max_length=20, choices=Tempat.choices)
    diberikan_di_sini = models.BooleanField(_("given at this Posyandu"), default=True)
    nama_tempat = models.CharField(_("name of the place"), max_length=150, blank=True)
    batch = models.CharField(_("batch number"), max_length=50, blank=True)
    kunjungan = models.ForeignKey(
        "sesi.Kunjungan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    jadwal_versi = models.CharField(max_length=40, blank=True)
    # Given before its minimum age or interval, or after its maximum age, after a warning the
    # user confirmed with a reason (schedule.dose_timing).
    di_luar_jadwal = models.BooleanField(_("given outside the schedule"), default=False)
    alasan_di_luar_jadwal = models.CharField(
        _("reason for giving it outside the schedule"), max_length=200, blank=True
    )

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        ordering = ["tanggal", "id"]
        verbose_name = _("immunization")
        verbose_name_plural = _("immunizations")
        indexes = [models.Index(fields=["sasaran", "vaksin"])]

    def __str__(self) -> str:
        return f"{self.vaksin} {self.tanggal}"
