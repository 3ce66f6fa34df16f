"""Monthly aggregates: one row per Posyandu, month and sex, kept current by record listeners.

Dashboards and reports read only these rows and their sums per region (RekapWilayah,
LayananWilayah), never the records they count: a province page reads a few dozen rows
instead of millions of measurements (the DHIS2 "analytics table" idea, maintained
continuously rather than by a nightly job).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.fasilitas.models import Posyandu


class SkdnCounts(models.Model):
    """The SKDN and nutrition counts of a row (skdn.FIELDS, in that order)."""

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

    class Meta:
        abstract = True


class RekapBulanan(SkdnCounts):
    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    # The Posyandu's desa code, copied so regions roll up by prefix without a join.
    desa_kode = models.CharField(max_length=13)
    periode = models.CharField(_("period"), max_length=7)  # YYYY-MM
    jk = models.CharField(_("sex"), max_length=1)  # L / P
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


class RekapWilayah(SkdnCounts):
    """RekapBulanan summed per region (desa, kecamatan, kab/kota, province), month and sex:
    what every region dashboard reads. A region's own figures are one row per sex and month,
    the units below it the rows whose `induk_kode` is its code (a province page reads a few
    dozen rows, not thousands).

    Written by laporan/build/rollup.py with every write of RekapBulanan, in the same
    transaction (the differences a recompute makes, added to the four regions above the
    Posyandu; the rebuilds sum everything once at their end), so it is never read stale.
    """

    wilayah_kode = models.CharField(max_length=13)
    # The region one level up ("" for a province): the units below a region in one index range.
    induk_kode = models.CharField(max_length=8, blank=True)
    periode = models.CharField(_("period"), max_length=7)
    jk = models.CharField(_("sex"), max_length=1)

    scope_fields = {"wilayah": "wilayah_kode"}

    class Meta:
        verbose_name = _("monthly summary per region")
        verbose_name_plural = _("monthly summaries per region")
        constraints = [
            models.UniqueConstraint(
                fields=["wilayah_kode", "periode", "jk"], name="one_rekap_per_region_month"
            )
        ]
        indexes = [models.Index(fields=["induk_kode", "periode"], name="rekapwil_induk_periode")]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.periode} {self.jk}"


class LayananWilayah(models.Model):
    """RekapLayanan summed per region (desa, kecamatan, kab/kota, province), period and
    indicator; written like RekapWilayah by laporan/build/rollup.py. A sum of zero over zero
    has no row."""

    wilayah_kode = models.CharField(max_length=13)
    induk_kode = models.CharField(max_length=8, blank=True)
    periode = models.CharField(_("period"), max_length=7)
    kode = models.CharField(_("indicator"), max_length=40)
    pembilang = models.PositiveIntegerField(_("numerator"), default=0)
    penyebut = models.PositiveIntegerField(_("denominator"), default=0)

    scope_fields = {"wilayah": "wilayah_kode"}

    class Meta:
        verbose_name = _("coverage summary per region")
        verbose_name_plural = _("coverage summaries per region")
        constraints = [
            models.UniqueConstraint(
                fields=["wilayah_kode", "periode", "kode"], name="one_cakupan_per_region_period"
            )
        ]
        indexes = [models.Index(fields=["induk_kode", "periode"], name="cakupanwil_induk_periode")]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.periode} {self.kode}"


class SumberProyeksi(models.Model):
    """One import of yearly target populations (sasaran proyeksi) from the Dinkes: which
    source and version, which file (name and SHA-256), who imported it and what was refused.
    Every import is a new row; the values it set point back to it (`SasaranProyeksi.sumber`).
    """

    tahun = models.PositiveSmallIntegerField(_("year"))
    nama = models.CharField(_("source"), max_length=200)  # "Dinkes Kota Pekanbaru, ..."
    versi = models.CharField(_("version"), max_length=40)
    berkas = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    diimpor_pada = models.DateTimeField(_("imported at"), auto_now_add=True)
    diimpor_oleh = models.CharField(_("imported by"), max_length=150, blank=True)
    baris_diterima = models.PositiveIntegerField(_("rows accepted"), default=0)
    baris_ditolak = models.PositiveIntegerField(_("rows rejected"), default=0)

    class Meta:
        verbose_name = _("target population source")
        verbose_name_plural = _("target population sources")
        ordering = ["-diimpor_pada", "-id"]

    def __str__(self) -> str:
        return f"{self.nama} {self.versi} ({self.tahun})"


class SasaranProyeksi(models.Model):
    """The official yearly target population (sasaran proyeksi) of one group in one desa or
    kecamatan: the denominator of official coverage, beside the people registered."""

    class Kelompok(models.TextChoices):
        BAYI = "bayi", _("Infants (0-11 months)")
        BALITA = "balita", _("Children under five")
        IBU_HAMIL = "ibu_hamil", _("Pregnant women")
        IBU_BERSALIN = "ibu_bersalin", _("Women giving birth")
        USIA_PRODUKTIF = "usia_produktif", _("Productive age (15-59)")
        USIA_LANJUT = "usia_lanjut", _("Elderly (60+)")

    tahun = models.PositiveSmallIntegerField(_("year"))
    wilayah_kode = models.CharField(_("region code"), max_length=13)  # desa or kecamatan
    kelompok = models.CharField(_("group"), max_length=20, choices=Kelompok.choices)
    jumlah = models.PositiveIntegerField(_("target population"))
    sumber = models.ForeignKey(SumberProyeksi, on_delete=models.PROTECT, related_name="nilai")

    scope_fields = {"wilayah": "wilayah_kode"}

    class Meta:
        verbose_name = _("target population")
        verbose_name_plural = _("target populations")
        constraints = [
            models.UniqueConstraint(
                fields=["tahun", "wilayah_kode", "kelompok"], name="one_proyeksi_per_region_group"
            )
        ]
        indexes = [models.Index(fields=["tahun", "wilayah_kode"], name="proyeksi_tahun_wilayah")]

    def __str__(self) -> str:
        return f"{self.tahun} {self.wilayah_kode} {self.kelompok} {self.jumlah}"
