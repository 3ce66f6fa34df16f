from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu


class Tingkat(models.TextChoices):
    """Kader ILP levels by mastery (domain-ilp 4.4)."""

    PURWA = "purwa", _("Purwa")
    MADYA = "madya", _("Madya")
    UTAMA = "utama", _("Utama")


class Kader(Record):
    """A volunteer serving a Posyandu. Issue 7 adds training and competency."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="kader")
    nama = models.CharField(_("name"), max_length=150)
    telepon = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kader",
    )
    aktif = models.BooleanField(_("active"), default=True)
    mulai_bertugas = models.DateField(_("serving since"), null=True, blank=True)
    # Issue 7 (SDM): competency level and the basic skills mastered, where recorded.
    tingkat = models.CharField(
        _("competency level"), max_length=10, choices=Tingkat.choices, blank=True
    )
    keterampilan_dasar = models.JSONField(
        _("basic skills mastered (numbers 1-25)"), default=list, blank=True
    )

    wilayah_path = "posyandu__desa_id"
    scope_fields = {"wilayah": "posyandu__desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["posyandu__nama", "nama"]
        verbose_name = _("kader")
        verbose_name_plural = _("kader")

    def __str__(self) -> str:
        return self.nama


class PelatihanKader(Record):
    """One training a kader attended (e.g. Kurikulum Pelatihan Kader Posyandu 2024)."""

    kader = models.ForeignKey(Kader, on_delete=models.CASCADE, related_name="pelatihan")
    nama = models.CharField(_("training"), max_length=200)
    tanggal = models.DateField(_("date"))
    penyelenggara = models.CharField(_("organiser"), max_length=150, blank=True)
    sertifikat = models.CharField(_("certificate number"), max_length=100, blank=True)

    wilayah_path = "kader__posyandu__desa_id"
    scope_fields = {"wilayah": "kader__posyandu__desa__kode", "posyandu": "kader__posyandu_id"}

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("kader training")
        verbose_name_plural = _("kader trainings")
