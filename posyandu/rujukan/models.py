"""Referrals (rujukan) from the Posyandu or a home visit to the Puskesmas/Pustu, with feedback."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.fasilitas.models import Puskesmas, Pustu
from posyandu.sasaran.models import Sasaran


class Rujukan(CoLocated, Record):
    kabkota_from = "sasaran"

    class Status(models.TextChoices):
        DIKIRIM = "dikirim", _("sent")
        DITERIMA = "diterima", _("received")
        SELESAI = "selesai", _("completed")
        BATAL = "batal", _("cancelled")

    class Asal(models.TextChoices):
        POSYANDU = "posyandu", _("Posyandu day")
        KUNJUNGAN_RUMAH = "kunjungan_rumah", _("home visit")

    class Hasil(models.TextChoices):
        """The outcome the Puskesmas reports back (rujuk balik: back to the kader with advice)."""

        DITANGANI = "ditangani", _("came and was treated")
        TIDAK_DATANG = "tidak_datang", _("did not come")
        DIRUJUK_LANJUT = "dirujuk_lanjut", _("referred on (hospital)")
        RUJUK_BALIK = "rujuk_balik", _("referred back with advice for the kader")

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
    asal = models.CharField(
        _("referred from"), max_length=20, choices=Asal.choices, default=Asal.POSYANDU
    )
    # Umpan balik (feedback) from the Puskesmas.
    umpan_balik = models.TextField(_("feedback"), blank=True)
    hasil = models.CharField(_("outcome"), max_length=20, choices=Hasil.choices, blank=True)
    # Rujuk balik: what the kader should do next (shown to the kader with the outcome).
    saran_kader = models.TextField(_("advice for the kader"), blank=True)
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
