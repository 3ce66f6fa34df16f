"""Monthly aggregates: one row per Posyandu, month and sex, kept current by record listeners.

Dashboards and reports read only these rows and roll them up by region-code prefix, so a
province page sums a few thousand rows instead of millions of measurements (the DHIS2
"analytics table" idea, maintained continuously rather than by a nightly job).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.fasilitas.models import Posyandu


class RekapBulanan(models.Model):
    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    # The Posyandu's desa code, copied so regions roll up by prefix without a join.
    desa_kode = models.CharField(max_length=13)
    periode = models.CharField(_("period"), max_length=7)  # YYYY-MM
    jk = models.CharField(_("sex"), max_length=1)  # L / P
    s = models.PositiveIntegerField(default=0)
    k = models.PositiveIntegerField(default=0)
    d = models.PositiveIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)
    t = models.PositiveIntegerField(default=0)
    o = models.PositiveIntegerField(default=0)
    b = models.PositiveIntegerField(default=0)
    t2 = models.PositiveIntegerField("2T", default=0)
    diukur = models.PositiveIntegerField(default=0)
    stunting = models.PositiveIntegerField(default=0)
    stunting_berat = models.PositiveIntegerField(default=0)
    wasting = models.PositiveIntegerField(default=0)
    wasting_berat = models.PositiveIntegerField(default=0)
    underweight = models.PositiveIntegerField(default=0)
    overweight = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    n_haz = models.PositiveIntegerField(default=0)
    n_whz = models.PositiveIntegerField(default=0)
    n_waz = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    scope_fields = {"wilayah": "desa_kode", "posyandu": "posyandu_id"}

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "periode", "jk"], name="one_rekap_per_posyandu_month_sex"
            )
        ]
        indexes = [models.Index(fields=["periode", "desa_kode"], name="rekap_periode_desa")]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.periode} {self.jk}"


class RekapLayanan(models.Model):
    """Coverage / SPM counts of one Posyandu, period (YYYY-MM or YYYY) and indicator code.

    Written by laporan/build/rekap_layanan.py from the counts of build/coverage_counts.py,
    kept current by the record listeners of laporan/listeners.py.
    """

    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    desa_kode = models.CharField(max_length=13)
    periode = models.CharField(_("period"), max_length=7)  # YYYY-MM (month) or YYYY (year)
    kode = models.CharField(_("indicator"), max_length=40)
    pembilang = models.PositiveIntegerField(_("numerator"), default=0)
    penyebut = models.PositiveIntegerField(_("denominator"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    scope_fields = {"wilayah": "desa_kode", "posyandu": "posyandu_id"}

    class Meta:
        verbose_name = _("coverage summary")
        verbose_name_plural = _("coverage summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "periode", "kode"], name="one_cakupan_per_posyandu_period"
            )
        ]
        indexes = [models.Index(fields=["periode", "desa_kode"], name="cakupan_periode_desa")]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.periode} {self.kode}"
