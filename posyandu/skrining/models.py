"""Screening and supplement results, each stored with the definition version that made it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran


class HasilSkrining(CoLocated, Record):
    kabkota_from = "sasaran"
    kabkota_also = ("kunjungan", "rujukan")  # the same person's
    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="hasil_skrining")
    tanggal = models.DateField(_("date"))
    definisi = models.CharField(_("screening"), max_length=50)
    definisi_versi = models.CharField(_("definition version"), max_length=50)
    jawaban = models.JSONField(_("answers"), default=dict)
    # Everything the definition computed (derived values, score), for display and reports.
    nilai = models.JSONField(default=dict, blank=True)
    kategori = models.CharField(_("category"), max_length=50)
    tingkat = models.CharField(_("level"), max_length=15)  # ok | watch | refer | unclassified
    tags = models.JSONField(default=list, blank=True)
    perlu_rujuk = models.BooleanField(_("referral suggested"), default=False)
    alasan = models.JSONField(default=list, blank=True)
    peringatan = models.JSONField(default=list, blank=True)  # implausible values, kept
    rujukan = models.ForeignKey(
        Rujukan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kunjungan = models.ForeignKey(
        "sesi.Kunjungan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        indexes = [models.Index(fields=["sasaran", "definisi", "tanggal"])]

    def __str__(self) -> str:
        return f"{self.definisi} {self.tanggal}: {self.kategori}"
