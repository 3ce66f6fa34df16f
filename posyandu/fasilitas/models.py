"""Health facilities of the ILP network: Puskesmas, Pustu, Posyandu, Labkesmas."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.models import Record
from posyandu.wilayah.models import Wilayah

# SATUSEHAT CodeSystem http://terminology.kemkes.go.id/CodeSystem/organization-type
# (yy-dto/IDCore); see docs/glossary.md.
ORGANIZATION_TYPE_SYSTEM = "http://terminology.kemkes.go.id/CodeSystem/organization-type"


class Facility(Record):
    nama = models.CharField(_("name"), max_length=150)
    kode = models.CharField(_("facility code"), max_length=30, blank=True)
    alamat = models.CharField(_("address"), max_length=250, blank=True)
    satusehat_org_id = models.CharField(_("SATUSEHAT organization id"), max_length=64, blank=True)
    organization_type = ""

    class Meta:
        abstract = True
        ordering = ["nama"]

    def __str__(self) -> str:
        return self.nama


class Puskesmas(Facility):
    kecamatan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    wilayah_kerja = models.ManyToManyField(
        Wilayah, related_name="puskesmas_kerja", verbose_name=_("service area (villages)")
    )
    organization_type = "102"
    wilayah_path = "kecamatan_id"
    # Seen by whoever covers its kecamatan or one of the desa it serves (a bidan desa sees
    # the Puskesmas of her desa), or one of its Posyandu (a kader).
    scope_fields = {
        "wilayah": ("kecamatan__kode", "wilayah_kerja__kode"),
        "posyandu": "posyandu__id",
        "distinct": True,
    }

    class Meta(Facility.Meta):
        verbose_name = _("Puskesmas")
        verbose_name_plural = _("Puskesmas")


class Pustu(Facility):
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="pustu")
    desa = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    organization_type = "OT000002"
    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu__id", "distinct": True}

    class Meta(Facility.Meta):
        verbose_name = _("Pustu")
        verbose_name_plural = _("Pustu")


class Posyandu(Facility):
    desa = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="posyandu", verbose_name=_("village")
    )
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="posyandu")
    pustu = models.ForeignKey(
        Pustu, null=True, blank=True, on_delete=models.SET_NULL, related_name="posyandu"
    )
    # The area served; "cakupan" in code is only coverage (an indicator), see docs/glossary.md.
    wilayah_layanan = models.CharField(_("area covered (dusun, RT/RW)"), max_length=250, blank=True)
    is_prima = models.BooleanField(_("Posyandu Prima"), default=False)
    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "id"}

    class Meta(Facility.Meta):
        verbose_name = _("Posyandu")
        verbose_name_plural = _("Posyandu")
        constraints = [
            # Posyandu Prima: at most one per desa/kelurahan (KMK 2015/2023).
            models.UniqueConstraint(
                fields=["desa"],
                condition=models.Q(is_prima=True, deleted_at__isnull=True),
                name="one_posyandu_prima_per_desa",
            )
        ]

    # A property where Facility has a class attribute: a Posyandu's type follows is_prima.
    @property
    def organization_type(self) -> str:  # type: ignore[override]
        return "130" if self.is_prima else "131"


class Labkesmas(Facility):
    class Tingkat(models.TextChoices):
        KABKOTA = "kabkota", _("Regency/City (tier 2)")
        PROVINSI = "provinsi", _("Province (tier 3)")
        REGIONAL = "regional", _("Regional (tier 4)")
        NASIONAL = "nasional", _("National (tier 5)")

    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    tingkat = models.CharField(max_length=10, choices=Tingkat.choices, default=Tingkat.KABKOTA)
    wilayah_path = "wilayah_id"
    scope_fields = {"wilayah": "wilayah__kode"}

    class Meta(Facility.Meta):
        verbose_name = _("Labkesmas")
        verbose_name_plural = _("Labkesmas")
