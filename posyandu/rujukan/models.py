"""Referrals (rujukan) from the Posyandu or a home visit to the Puskesmas/Pustu, with feedback."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.models import Record
from posyandu.fasilitas.models import Puskesmas, Pustu
from posyandu.sasaran.models import Sasaran


class Rujukan(Record):
    class Status(models.TextChoices):
        DIKIRIM = "dikirim", _("sent")
        DITERIMA = "diterima", _("received")
        SELESAI = "selesai", _("completed")
        BATAL = "batal", _("cancelled")

    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="rujukan")
    tanggal = models.DateField(_("date"))
    # Machine-readable rule codes that suggested it (e.g. "2T", "bbu_below_-3"), and the reason
    # in words as the kader or bidan wrote it.
    aturan = models.JSONField(_("rules"), default=list, blank=True)
    alasan = models.TextField(_("reason"))
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tujuan_puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, related_name="rujukan_masuk"
    )
    tujuan_pustu = models.ForeignKey(
        Pustu, null=True, blank=True, on_delete=models.SET_NULL, related_name="rujukan_masuk"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DIKIRIM)
    # Umpan balik (feedback) from the Puskesmas.
    umpan_balik = models.TextField(_("feedback"), blank=True)
    tanggal_umpan_balik = models.DateField(_("feedback date"), null=True, blank=True)
    dijawab_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
