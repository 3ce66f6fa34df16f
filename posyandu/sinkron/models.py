"""Offline sync: the devices, the ledger of changes received (exactly once), the conflicts
kept for the bidan, and the defects where the device's growth result differed from the
server's. docs/offline.md is the contract with the browser client."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu
from posyandu.wilayah.models import Wilayah


class Perangkat(models.Model):
    """A device (a browser profile) of a user: when it last downloaded and synced. An offline
    session expires OFFLINE_MAX_DAYS after the last contact unless the user signs in again."""

    device_id = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    posyandu = models.ForeignKey(
        Posyandu, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_download_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="sinkron_perangkat_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.device_id}"


class Perubahan(models.Model):
    """One change received from a device, and the answer it got: the ledger that makes every
    change apply exactly once (keyed by the client's change id)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected")
        CONFLICT = "conflict", _("conflict")

    change_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    device_id = models.UUIDField(null=True, blank=True)
    seq = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=40)
    record = models.UUIDField(null=True, blank=True, db_index=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    device_at = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    answer = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "device_id", "received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.change_id} {self.status}"


class Konflik(Record):
    """An edit from a device made from an older version than the stored one: both versions are
    kept, nothing is overwritten, the bidan resolves it (keep the server's, take the device's,
    or merge field by field)."""

    class Status(models.TextChoices):
        TERBUKA = "terbuka", _("open")
        SELESAI = "selesai", _("resolved")

    class Penyelesaian(models.TextChoices):
        SERVER = "server", _("kept the server version")
        PERANGKAT = "perangkat", _("took the device version")
        GABUNG = "gabung", _("merged field by field")

    perubahan = models.OneToOneField(Perubahan, on_delete=models.PROTECT, related_name="konflik")
    kind = models.CharField(max_length=40)
    model = models.CharField(max_length=60)  # the record's model label, e.g. "sasaran.Sasaran"
    record = models.UUIDField(db_index=True)
    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="+")
    desa = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    base_version = models.PositiveIntegerField(null=True, blank=True)
    server_version = models.PositiveIntegerField()
    versi_server = models.JSONField(default=dict, blank=True)  # the stored values then
    versi_perangkat = models.JSONField(default=dict, blank=True)  # what the device sent
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TERBUKA)
    penyelesaian = models.CharField(max_length=10, choices=Penyelesaian.choices, blank=True)
    diselesaikan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    diselesaikan_pada = models.DateTimeField(null=True, blank=True)
    hasil = models.JSONField(default=dict, blank=True)  # the values chosen

    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.record} {self.status}"


class SelisihHasil(models.Model):
    """A defect: the device's instant growth result differed from the server's (the server's
    is stored; this keeps both for the engine's maintainers)."""

    perubahan = models.ForeignKey(Perubahan, on_delete=models.CASCADE, related_name="selisih")
    pengukuran = models.UUIDField(db_index=True)
    hasil_perangkat = models.JSONField(default=dict)
    hasil_server = models.JSONField(default=dict)
    selisih = models.JSONField(default=list)  # names of the values that differ
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.pengukuran} {self.selisih}"
