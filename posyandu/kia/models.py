"""Pregnancy (kehamilan), ANC visits, delivery (persalinan) and postpartum/newborn visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.sasaran.models import Sasaran

USER = settings.AUTH_USER_MODEL


class Kehamilan(CoLocated, Record):
    kabkota_from = "sasaran"

    class Dasar(models.TextChoices):
        HPHT = "hpht", _("last menstrual period (HPHT)")
        USG = "usg", _("ultrasound")

    class Status(models.TextChoices):
        HAMIL = "hamil", _("pregnant")
        BERSALIN = "bersalin", _("delivered")
        KEGUGURAN = "keguguran", _("pregnancy loss")

    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="kehamilan")
    tanggal_daftar = models.DateField(_("registered on"))
    hpht = models.DateField(_("first day of last period (HPHT)"), null=True, blank=True)
    usg_tanggal = models.DateField(_("ultrasound date"), null=True, blank=True)
    usg_minggu = models.PositiveSmallIntegerField(_("weeks at ultrasound"), null=True, blank=True)
    usg_hari = models.PositiveSmallIntegerField(_("days at ultrasound"), null=True, blank=True)
    dasar = models.CharField(_("dated by"), max_length=5, choices=Dasar.choices)
    hpl = models.DateField(_("estimated due date (HPL)"))
    gravida = models.PositiveSmallIntegerField(_("pregnancy number (G)"), default=1)
    paritas = models.PositiveSmallIntegerField(_("births so far (P)"), default=0)
    abortus = models.PositiveSmallIntegerField(_("pregnancy losses (A)"), default=0)
    persalinan_terakhir = models.DateField(_("date of last birth"), null=True, blank=True)
    tinggi_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    riwayat = models.JSONField(_("history"), default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HAMIL)
    status_sejak = models.DateField(null=True, blank=True)
    # Reasons (rule codes) the pregnancy is high-risk, kept current by services.
    risiko = models.JSONField(default=list, blank=True)
    # The rule that computed `risiko` (kia rules/risiko.json and the cut-offs it references,
    # core.rules Rule.stamp); blank for pregnancies last evaluated before it was stored.
    risiko_versi = models.CharField(max_length=100, blank=True)
    dicatat_oleh = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        ordering = ["-tanggal_daftar", "-id"]
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        indexes = [models.Index(fields=["status", "hpl"])]


class KunjunganAnc(CoLocated, Record):
    kabkota_from = "kehamilan"
    kabkota_also = ("kunjungan",)  # the same person's
    kehamilan = models.ForeignKey(Kehamilan, on_delete=models.CASCADE, related_name="anc")
    tanggal = models.DateField(_("date"))
    oleh_dokter = models.BooleanField(_("by a doctor (with ultrasound)"), default=False)
    tempat = models.CharField(_("place"), max_length=100, blank=True)
    berat_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    lila_cm = models.DecimalField(
        _("MUAC (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    sistole = models.PositiveSmallIntegerField(_("systolic (mmHg)"), null=True, blank=True)
    diastole = models.PositiveSmallIntegerField(_("diastolic (mmHg)"), null=True, blank=True)
    hb = models.DecimalField(
        _("haemoglobin (g/dL)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    ttd_tablet = models.PositiveSmallIntegerField(_("iron tablets given"), default=0)
    kunjungan = models.ForeignKey(
        "sesi.Kunjungan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dicatat_oleh = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    wilayah_path = "kehamilan__sasaran__desa_id"
    scope_fields = {
        "wilayah": "kehamilan__sasaran__desa__kode",
        "posyandu": "kehamilan__sasaran__posyandu_id",
    }

    class Meta:
        ordering = ["tanggal", "id"]
        verbose_name = _("antenatal visit")
        verbose_name_plural = _("antenatal visits")


class Persalinan(CoLocated, Record):
    kabkota_from = "kehamilan"
    kehamilan = models.OneToOneField(Kehamilan, on_delete=models.CASCADE, related_name="persalinan")
    tanggal = models.DateField(_("date of delivery"))
    tempat = models.CharField(_("place"), max_length=100, blank=True)
    penolong = models.CharField(_("attended by"), max_length=100, blank=True)
    cara = models.CharField(_("mode"), max_length=30, blank=True)
    bayi_lahir_hidup = models.PositiveSmallIntegerField(_("live births"), default=1)
    berat_lahir_g = models.PositiveSmallIntegerField(_("birth weight (g)"), null=True, blank=True)
    bayi = models.ForeignKey(
        Sasaran, null=True, blank=True, on_delete=models.SET_NULL, related_name="kelahiran"
    )

    wilayah_path = "kehamilan__sasaran__desa_id"
    scope_fields = {
        "wilayah": "kehamilan__sasaran__desa__kode",
        "posyandu": "kehamilan__sasaran__posyandu_id",
    }


class KunjunganNifas(CoLocated, Record):
    """A KF visit (mother, 0-42 days) or KN visit (newborn, 0-28 days)."""

    kabkota_from = "persalinan"

    class Jenis(models.TextChoices):
        KF = "KF", _("postpartum visit (KF)")
        KN = "KN", _("newborn visit (KN)")

    persalinan = models.ForeignKey(Persalinan, on_delete=models.CASCADE, related_name="nifas")
    jenis = models.CharField(max_length=2, choices=Jenis.choices)
    ke = models.PositiveSmallIntegerField(_("visit number"))
    tanggal = models.DateField(_("date"))
    catatan = models.CharField(_("notes"), max_length=250, blank=True)

    wilayah_path = "persalinan__kehamilan__sasaran__desa_id"
    scope_fields = {
        "wilayah": "persalinan__kehamilan__sasaran__desa__kode",
        "posyandu": "persalinan__kehamilan__sasaran__posyandu_id",
    }

    class Meta:
        ordering = ["tanggal", "id"]
