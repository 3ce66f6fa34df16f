from django.db import models
from django.utils.translation import gettext_lazy as _


def in_region(field: str, kode: str) -> models.Q:
    """`field` (a region code) is `kode` or lies below it: the code is a materialized path."""
    return models.Q(**{field: kode}) | models.Q(**{f"{field}__startswith": kode + "."})


class WilayahQuerySet(models.QuerySet):
    def within(self, kode: str) -> "WilayahQuerySet":
        """The region and everything below it."""
        return self.filter(in_region("kode", kode))

    def below(self, kode: str) -> "WilayahQuerySet":
        return self.filter(kode__startswith=kode + ".")


class Wilayah(models.Model):
    """One Kemendagri region: province, kab/kota, kecamatan or desa/kelurahan."""

    class Tingkat(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABKOTA = "kabkota", _("Regency/City")
        KECAMATAN = "kecamatan", _("District")
        DESA = "desa", _("Village")

    # A primary-key CharField also gets a varchar_pattern_ops index on PostgreSQL, so
    # subtree queries (`kode LIKE '14.71.%'`) are index scans there as on SQLite.
    kode = models.CharField(max_length=13, primary_key=True)
    nama = models.CharField(max_length=150)
    tingkat = models.CharField(max_length=10, choices=Tingkat.choices, db_index=True)
    induk = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="anak"
    )
    aktif = models.BooleanField(default=True)

    objects = WilayahQuerySet.as_manager()

    class Meta:
        ordering = ["kode"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    @property
    def level_label(self) -> str:
        return str(self.get_tingkat_display())
