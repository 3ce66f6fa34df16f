"""The Pokjanal / Tim Pembina Posyandu workspace: members, rakor, OPD programs, pembinaan,
the six SPM fields of a Posyandu (Permendagri 13/2024) and monthly strata."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu
from posyandu.wilayah.models import Wilayah


class Anggota(Record):
    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    nama = models.CharField(_("name"), max_length=150)
    jabatan = models.CharField(_("position in the Pokjanal"), max_length=100, blank=True)
    opd = models.CharField(_("agency (OPD)"), max_length=150)
    telepon = models.CharField(_("phone"), max_length=20, blank=True)
    aktif = models.BooleanField(_("active"), default=True)

    wilayah_path = "wilayah_id"
    scope_fields = {"wilayah": "wilayah__kode"}

    class Meta:
        ordering = ["wilayah_id", "nama"]
        verbose_name = _("Pokjanal member")
        verbose_name_plural = _("Pokjanal members")

    def __str__(self) -> str:
        return f"{self.nama} ({self.opd})"


class Rapat(Record):
    """A coordination meeting (rakor) with minutes and decisions."""

    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    tanggal = models.DateField(_("date"))
    judul = models.CharField(_("title"), max_length=200)
    notulen = models.TextField(_("minutes"), blank=True)
    keputusan = models.TextField(_("decisions"), blank=True)
    hadir = models.ManyToManyField(Anggota, blank=True, related_name="rapat")

    wilayah_path = "wilayah_id"
    scope_fields = {"wilayah": "wilayah__kode"}

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")

    def __str__(self) -> str:
        return f"{self.tanggal} {self.judul}"


class TindakLanjut(Record):
    """An action item of a meeting: who does what by when."""

    rapat = models.ForeignKey(Rapat, on_delete=models.CASCADE, related_name="tindak_lanjut")
    uraian = models.CharField(_("action"), max_length=250)
    penanggung_jawab = models.ForeignKey(
        Anggota, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner"),
    )  # fmt: skip
    batas_waktu = models.DateField(_("due date"))
    selesai = models.DateField(_("done on"), null=True, blank=True)

    wilayah_path = "rapat__wilayah_id"
    scope_fields = {"wilayah": "rapat__wilayah__kode"}

    class Meta:
        ordering = ["batas_waktu"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")


class ProgramOpd(Record):
    """An agency's program aimed at a desa or a Posyandu (PMT, clean water, ...)."""

    class Status(models.TextChoices):
        RENCANA = "rencana", _("planned")
        BERJALAN = "berjalan", _("running")
        SELESAI = "selesai", _("done")
        BATAL = "batal", _("cancelled")

    opd = models.CharField(_("agency (OPD)"), max_length=150)
    nama = models.CharField(_("program"), max_length=200)
    desa = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    posyandu = models.ForeignKey(
        Posyandu, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RENCANA)
    mulai = models.DateField(_("start"), null=True, blank=True)
    selesai = models.DateField(_("end"), null=True, blank=True)
    keterangan = models.TextField(_("notes"), blank=True)

    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["desa_id", "nama"]
        verbose_name = _("OPD program")
        verbose_name_plural = _("OPD programs")


class KunjunganPembinaan(Record):
    """A supervision visit to a Posyandu: checklist, findings, follow-up."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="+")
    tanggal = models.DateField(_("date"))
    pembina = models.ForeignKey(
        Anggota, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    temuan = models.TextField(_("findings"), blank=True)
    tindak_lanjut = models.TextField(_("follow-up"), blank=True)
    tindak_lanjut_selesai = models.BooleanField(_("follow-up done"), default=False)

    wilayah_path = "posyandu__desa_id"
    scope_fields = {"wilayah": "posyandu__desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")


class SpmPosyandu(Record):
    """The six SPM fields a Posyandu covers (Permendagri 13/2024): activities per year."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("year"))
    pendidikan = models.TextField(_("education"), blank=True)
    kesehatan = models.TextField(_("health"), blank=True)
    pekerjaan_umum = models.TextField(_("public works"), blank=True)
    perumahan_rakyat = models.TextField(_("public housing"), blank=True)
    trantibumlinmas = models.TextField(_("public order and community protection"), blank=True)
    sosial = models.TextField(_("social affairs"), blank=True)

    FIELDS = (
        "pendidikan",
        "kesehatan",
        "pekerjaan_umum",
        "perumahan_rakyat",
        "trantibumlinmas",
        "sosial",
    )
    wilayah_path = "posyandu__desa_id"
    scope_fields = {"wilayah": "posyandu__desa__kode", "posyandu": "posyandu_id"}

    @property
    def filled(self) -> int:
        """How many of the six fields have an activity recorded."""
        return sum(1 for f in self.FIELDS if getattr(self, f).strip())

    class Meta:
        verbose_name = _("Posyandu SPM fields")
        verbose_name_plural = _("Posyandu SPM fields")
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "tahun"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_spm_per_posyandu_year",
            )
        ]


class StrataBulanan(models.Model):
    """The stratum of a Posyandu in a month, with the values and what holds it back."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    desa_kode = models.CharField(max_length=13)
    periode = models.CharField(max_length=7)
    strata = models.CharField(max_length=10)
    nilai = models.JSONField(default=dict)
    penahan = models.JSONField(default=list)
    aturan_versi = models.CharField(max_length=20)

    scope_fields = {"wilayah": "desa_kode", "posyandu": "posyandu_id"}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posyandu", "periode"], name="one_strata_per_month")
        ]
        indexes = [models.Index(fields=["periode", "desa_kode"], name="strata_periode_desa")]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.periode} {self.strata}"
