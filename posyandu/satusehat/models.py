"""What the exchange with SATUSEHAT keeps: ids the platform gave, the outbox, token metadata.

Nothing here is a `Record`: these rows are the exchange's own bookkeeping, keyed by the local
records (public ids, facility keys) and never edited by users. Secrets are not stored here:
client credentials come from settings/environment, access tokens live only in memory.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.sasaran.models import Sasaran


class IdSatusehat(models.Model):
    """An id SATUSEHAT holds for a local thing: a person's IHS number (Patient), a facility's
    Organization or Location id, the ids of resources already sent (Encounter, Observation,
    ...). `lokal` is the local identifier: a person's public id, "posyandu:<pk>" for a
    facility, or the identifier value a resource was sent with."""

    resource = models.CharField(max_length=30)
    lokal = models.CharField(max_length=120)
    remote = models.CharField(_("SATUSEHAT id"), max_length=64)
    dibuat = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SATUSEHAT id")
        verbose_name_plural = _("SATUSEHAT ids")
        constraints = [
            models.UniqueConstraint(fields=["resource", "lokal"], name="satusehat_id_once")
        ]

    def __str__(self) -> str:
        return f"{self.resource}/{self.remote} ({self.lokal})"


class Kiriman(CoLocated, models.Model):
    """One change to send (the outbox): the resources of one encounter (a person's Posyandu
    day or home visit) or of one immunization recorded from the Buku KIA. The bundle is built
    from the records when it is sent, so a correction made while it waits goes with it; a
    change after it was sent is a new revision."""

    kabkota_from = "sasaran"

    class Jenis(models.TextChoices):
        ENCOUNTER = "encounter", _("visit (Encounter)")
        IMUNISASI = "imunisasi", _("immunization recorded from the Buku KIA")

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("waiting")
        MENGIRIM = "mengirim", _("being sent (unconfirmed)")
        TERKIRIM = "terkirim", _("sent")
        GAGAL = "gagal", _("failed")
        TIDAK_DIPETAKAN = "tidak_dipetakan", _("cannot be mapped")
        BATAL = "batal", _("nothing left to send")

    jenis = models.CharField(max_length=10, choices=Jenis.choices)
    kunci = models.CharField(_("local identifier"), max_length=120)
    revisi = models.PositiveIntegerField(default=1)
    sasaran = models.ForeignKey(Sasaran, on_delete=models.CASCADE, related_name="+")
    tanggal = models.DateField(_("date"))
    kelas = models.CharField(max_length=20, blank=True)  # posyandu | kunjungan_rumah | faskes
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.MENUNGGU)
    percobaan = models.PositiveIntegerField(_("attempts"), default=0)
    coba_lagi_pada = models.DateTimeField(null=True, blank=True)
    alasan = models.TextField(_("reason"), blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    operation_outcome = models.JSONField(null=True, blank=True)
    hasil = models.JSONField(_("ids returned"), default=dict, blank=True)
    dibuat = models.DateTimeField(default=timezone.now)
    diubah = models.DateTimeField(default=timezone.now)
    terkirim_pada = models.DateTimeField(null=True, blank=True)

    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        ordering = ["id"]
        verbose_name = _("SATUSEHAT outbox item")
        verbose_name_plural = _("SATUSEHAT outbox")
        constraints = [
            models.UniqueConstraint(fields=["kunci", "revisi"], name="satusehat_kiriman_revisi")
        ]
        indexes = [models.Index(fields=["status", "id"]), models.Index(fields=["sasaran", "id"])]

    def __str__(self) -> str:
        return f"{self.kunci} r{self.revisi} {self.status}"


class TokenInfo(models.Model):
    """When a Puskesmas's access token was obtained and until when it is valid (metadata only:
    the token itself stays in the worker's memory)."""

    organization_id = models.CharField(max_length=64, unique=True)
    diperoleh = models.DateTimeField()
    berlaku_sampai = models.DateTimeField()
    pembaruan = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organization_id} until {self.berlaku_sampai}"
