"""What was sent to DHIS2 and what DHIS2 answered: one row per push (aggregates only)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Pengiriman(models.Model):
    """One `dhis2 push` of a region and month: the dry run's and the import's summaries."""

    class Hasil(models.TextChoices):
        BERHASIL = "berhasil", _("Imported")
        PERINGATAN = "peringatan", _("Imported with warnings")
        DITAHAN = "ditahan", _("Held: the dry run found conflicts")
        DITOLAK = "ditolak", _("Refused by DHIS2")
        GAGAL = "gagal", _("Failed: no import summary")

    dibuat = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    pengguna = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    pengguna_nama = models.CharField(_("user"), max_length=150, blank=True)
    wilayah_kode = models.CharField(_("region"), max_length=13, blank=True)
    periode = models.CharField(_("period"), max_length=7)  # YYYY-MM
    pemetaan = models.CharField(_("mapping"), max_length=100)  # id@version of the mapping file
    dipaksa = models.BooleanField(_("forced"), default=False)
    hasil = models.CharField(_("result"), max_length=12, choices=Hasil.choices)
    jumlah_unit = models.PositiveIntegerField(_("units"), default=0)
    jumlah_nilai = models.PositiveIntegerField(_("data values"), default=0)
    tanpa_pemetaan = models.JSONField(_("units without mapping"), default=list)
    uji_status = models.CharField(_("dry run status"), max_length=10, blank=True)
    uji_ringkasan = models.JSONField(_("dry run summary"), default=dict)
    impor_status = models.CharField(_("import status"), max_length=10, blank=True)
    impor_ringkasan = models.JSONField(_("import summary"), default=dict)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    ignored = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    konflik = models.JSONField(_("conflicts"), default=list)
    pesan = models.TextField(_("message"), blank=True)

    scope_fields = {"wilayah": "wilayah_kode"}

    class Meta:
        verbose_name = _("DHIS2 push")
        verbose_name_plural = _("DHIS2 pushes")
        ordering = ["-dibuat", "-id"]
        indexes = [models.Index(fields=["wilayah_kode", "periode"], name="dhis2_push_wilayah")]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.periode} {self.hasil}"
