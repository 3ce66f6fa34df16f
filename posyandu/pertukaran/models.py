"""Imports of person-level workbooks: one ImportBatch per file imported (or previewed), and
one ImportItem per record it created or changed, so that an admin can undo the whole import."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu, Puskesmas


class ImportBatch(Record):
    """One file taken in: where to, by whom, with which layout, what came of each row.

    A preview (the upload page's dry run) is a batch too, with status `pratinjau`: it keeps the
    file until the user confirms; the import then fills the same batch."""

    class Status(models.TextChoices):
        PRATINJAU = "pratinjau", _("preview")
        SELESAI = "selesai", _("imported")
        DIBATALKAN = "dibatalkan", _("undone")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PRATINJAU)
    posyandu = models.ForeignKey(
        Posyandu, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    puskesmas = models.ForeignKey(
        Puskesmas, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The desa of the Posyandu or the kecamatan of the Puskesmas: whose batch it is (scope).
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    nama_berkas = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    # Where the uploaded file waits between the preview and the confirmation (DATA_DIR).
    berkas = models.CharField(max_length=300, blank=True)
    layout = models.CharField(_("layout"), max_length=60)
    layout_versi = models.CharField(max_length=80, blank=True)
    oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"rows", "created", "matched", "updated", "measured", "skipped", "rejected", ...}
    jumlah = models.JSONField(_("counts"), default=dict, blank=True)
    # Every rejected row: {"sheet", "row", "reason", "values": {header: text}}
    ditolak = models.JSONField(_("rejected rows"), default=list, blank=True)
    # Rows imported with a remark (a NIK whose district is unknown, a NIK that does not
    # match the birth date): {"sheet", "row", "reason"}
    peringatan = models.JSONField(_("warnings"), default=list, blank=True)
    # The headers of each sheet as found in the file, for the rejected-rows download.
    kolom = models.JSONField(default=dict, blank=True)
    diimpor_pada = models.DateTimeField(_("imported at"), null=True, blank=True)
    dibatalkan_pada = models.DateTimeField(_("undone at"), null=True, blank=True)
    alasan_pembatalan = models.CharField(_("reason for undoing"), max_length=200, blank=True)

    wilayah_path = "kode_wilayah"
    scope_fields = {"wilayah": "kode_wilayah", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.nama_berkas} ({self.get_status_display()})"


class ImportItem(models.Model):
    """A record an import created or changed (the old values of a change), for its undo."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    model = models.CharField(max_length=60)  # model label, e.g. "sesi.Pengukuran"
    object_pk = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    old = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "model"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_pk} {self.action}"
