"""Follow-up tasks (tugas) derived from the records by the rules in rules/tugas.json.

A task is derived data: the engine creates, resolves and expires it from the person's records,
and a home visit closes it. It is not a Record (no audit event per change): every change to a
task follows from an audited record (a measurement, a referral, a home visit) or from a
recompute run, which logs one summary event.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran
from posyandu.tugas.ruleset import reason_text
from posyandu.wilayah.models import Wilayah


class Tugas(CoLocated, models.Model):
    kabkota_from = "sasaran"

    class Status(models.TextChoices):
        TERBUKA = "terbuka", _("open")
        SELESAI = "selesai", _("done")
        KEDALUWARSA = "kedaluwarsa", _("expired")

    class Cara(models.TextChoices):
        LAYANAN = "layanan", _("service given / condition gone")
        KUNJUNGAN_RUMAH = "kunjungan_rumah", _("home visit")
        TIDAK_BERLAKU = "tidak_berlaku", _("person moved away or died")

    class Untuk(models.TextChoices):
        KADER = "kader", _("kader")
        BIDAN = "bidan", _("village midwife")
        KEDUANYA = "keduanya", _("kader and midwife")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sasaran = models.ForeignKey(Sasaran, on_delete=models.CASCADE, related_name="tugas")
    # Denormalised from the person so lists and scope need no join.
    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    desa = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    aturan = models.CharField(_("rule"), max_length=40)
    aturan_versi = models.CharField(max_length=20)
    # What the task is about within the rule (a month, a measurement date, a referral id):
    # one task per person, rule and key, so a closed task is never recreated.
    kunci = models.CharField(max_length=80)
    prioritas = models.PositiveSmallIntegerField(default=2)  # 1 = urgent
    untuk = models.CharField(max_length=10, choices=Untuk.choices, default=Untuk.KADER)
    # Values for the reason sentence (ruleset.REASONS[aturan] % params).
    params = models.JSONField(default=dict, blank=True)
    tanggal_acuan = models.DateField(_("reference date"))
    mulai = models.DateField(_("shown from"))
    jatuh_tempo = models.DateField(_("due"), db_index=True)
    kedaluwarsa = models.DateField(_("expires"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TERBUKA)
    selesai_pada = models.DateField(null=True, blank=True)
    cara_selesai = models.CharField(max_length=20, choices=Cara.choices, blank=True)
    kunjungan_rumah = models.ForeignKey(
        "kunjungan_rumah.KunjunganRumah",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tugas_dijawab",
    )
    dibuat_pada = models.DateTimeField(auto_now_add=True)

    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["sasaran", "aturan", "kunci"], name="one_task_per_person_rule_key"
            )
        ]
        indexes = [
            models.Index(fields=["posyandu", "status", "jatuh_tempo"]),
            models.Index(fields=["desa", "status", "jatuh_tempo"]),
            models.Index(fields=["status", "sasaran"]),
        ]

    def __str__(self) -> str:
        return f"{self.aturan} {self.sasaran_id} {self.kunci}"

    @property
    def reason(self) -> str:
        return reason_text(self.aturan, self.params)
