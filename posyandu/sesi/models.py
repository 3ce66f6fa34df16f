"""The Posyandu day (hari buka): schedule, sessions, check-in, measurements, services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran


class Jadwal(models.Model):
    """When a Posyandu opens: a fixed day of the month, or the n-th weekday."""

    posyandu = models.OneToOneField(Posyandu, on_delete=models.CASCADE, related_name="jadwal")
    tanggal = models.PositiveSmallIntegerField(_("day of month"), null=True, blank=True)
    minggu_ke = models.PositiveSmallIntegerField(_("week of month (1-4)"), null=True, blank=True)
    hari = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"), null=True, blank=True)
    jam_mulai = models.TimeField(_("opens at"), null=True, blank=True)
    tempat = models.CharField(_("place"), max_length=200, blank=True)

    scope_fields = {"wilayah": "posyandu__desa__kode", "posyandu": "posyandu_id"}

    def __str__(self) -> str:
        if self.tanggal:
            return _("every %(day)s of the month") % {"day": self.tanggal}
        return _("week %(week)s, weekday %(day)s") % {"week": self.minggu_ke, "day": self.hari}


class Sesi(Record):
    """One hari buka of a Posyandu."""

    class Status(models.TextChoices):
        BUKA = "buka", _("open")
        SELESAI = "selesai", _("closed")

    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="sesi")
    tanggal = models.DateField(_("date"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUKA)
    dibuka_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kader_hadir = models.PositiveSmallIntegerField(_("kader on duty"), default=0)
    nakes_hadir = models.BooleanField(_("health worker present"), default=False)
    catatan = models.TextField(_("notes"), blank=True)

    wilayah_path = "posyandu__desa_id"
    scope_fields = {"wilayah": "posyandu__desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("Posyandu session")
        verbose_name_plural = _("Posyandu sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "tanggal"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_session_per_posyandu_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.posyandu} {self.tanggal:%d-%m-%Y}"


class Kunjungan(CoLocated, Record):
    """A person checked in at a session (langkah 1), and how far through the 5 langkah."""

    kabkota_from = "sasaran"

    sesi = models.ForeignKey(Sesi, on_delete=models.CASCADE, related_name="kunjungan")
    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="kunjungan")
    langkah = models.PositiveSmallIntegerField(_("step reached (1-5)"), default=1)

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["sesi", "sasaran"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_checkin_per_session",
            )
        ]


# The growth results stored on a measurement: a z-score and its WHO flag per index, under the
# names growthstandards uses for 0-5 years (length/height, weight, weight-for-length/height,
# BMI, head circumference, arm circumference). The one list of them.
Z_FIELDS = (
    "zlen",
    "flen",
    "zwei",
    "fwei",
    "zwfl",
    "fwfl",
    "zbmi",
    "fbmi",
    "zhc",
    "fhc",
    "zac",
    "fac",
)
WHO_FLAG_FIELDS = Z_FIELDS[1::2]
# Length/height-, weight- and weight-for-length/height-for-age z-scores with their flags: what
# stunting, underweight and wasting are counted from (laporan).
NUTRITION_Z_FIELDS = Z_FIELDS[:6]


class Pengukuran(CoLocated, Record):
    """One set of measurements of a person on a day, wherever taken.

    Growth results (z-scores, categories, N/T/O/B) are computed by `growthstandards` when the
    measurement is saved and stored with the engine version, so reports never recompute them.
    """

    kabkota_from = "sasaran"
    kabkota_also = ("kunjungan",)  # the same person's

    class Sumber(models.TextChoices):
        POSYANDU = "posyandu", _("Posyandu")
        KUNJUNGAN_RUMAH = "kunjungan_rumah", _("home visit")
        FASKES = "faskes", _("Puskesmas / Pustu")

    class CaraUkur(models.TextChoices):
        # Spelled out: "L" is male in jenis_kelamin. The engine's WHO letters "l"/"h" are
        # translated only where sesi calls growthstandards (growth.WHO_MEASURE).
        TERLENTANG = "terlentang", _("lying (length)")
        BERDIRI = "berdiri", _("standing (height)")

    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="pengukuran")
    tanggal = models.DateField(_("date measured"), db_index=True)
    sumber = models.CharField(max_length=20, choices=Sumber.choices, default=Sumber.POSYANDU)
    kunjungan = models.ForeignKey(
        Kunjungan, null=True, blank=True, on_delete=models.SET_NULL, related_name="pengukuran"
    )
    diukur_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What was measured (decimals as entered; None = not measured).
    berat_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    tinggi_cm = models.DecimalField(
        _("length/height (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    cara_ukur = models.CharField(_("position"), max_length=10, choices=CaraUkur.choices, blank=True)
    lingkar_kepala_cm = models.DecimalField(
        _("head circumference (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lila_cm = models.DecimalField(
        _("mid-upper arm circumference (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lingkar_perut_cm = models.DecimalField(
        _("waist circumference (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    sistole = models.PositiveSmallIntegerField(_("systolic (mmHg)"), null=True, blank=True)
    diastole = models.PositiveSmallIntegerField(_("diastolic (mmHg)"), null=True, blank=True)
    edema = models.BooleanField(_("bilateral pitting oedema"), default=False)
    # Danger signs ticked by the kader: codes of rules/tanda_bahaya.json, with its version.
    tanda_bahaya = models.JSONField(_("danger signs"), default=list, blank=True)
    tanda_bahaya_versi = models.CharField(max_length=40, blank=True)

    # Computed by growthstandards; None when not applicable.
    umur_hari = models.IntegerField(null=True, blank=True)
    zlen = models.FloatField(null=True, blank=True)
    flen = models.BooleanField(null=True, blank=True)
    zwei = models.FloatField(null=True, blank=True)
    fwei = models.BooleanField(null=True, blank=True)
    zwfl = models.FloatField(null=True, blank=True)
    fwfl = models.BooleanField(null=True, blank=True)
    zbmi = models.FloatField(null=True, blank=True)
    fbmi = models.BooleanField(null=True, blank=True)
    zhc = models.FloatField(null=True, blank=True)
    fhc = models.BooleanField(null=True, blank=True)
    zac = models.FloatField(null=True, blank=True)
    fac = models.BooleanField(null=True, blank=True)
    kategori = models.JSONField(_("Permenkes 2/2020 categories"), default=dict, blank=True)
    # N / T / O / B against the previous month's weighing, with the KBM used.
    status_bb = models.CharField(max_length=1, blank=True)
    kbm_g = models.PositiveSmallIntegerField(null=True, blank=True)
    # Implausible values are kept and marked, never dropped; the kader is asked to re-measure.
    perlu_cek_ulang = models.BooleanField(_("needs re-measurement"), default=False)
    alasan_cek_ulang = models.JSONField(default=list, blank=True)
    # A flagged value (perlu_cek_ulang: a WHO flag or a re-measure warning) confirmed as true,
    # with who, when and why (sesi.services.measurement_confirm); until then it stays out of
    # the nutrition prevalence (laporan.skdn). A correction of the values clears it.
    dikonfirmasi_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dikonfirmasi_pada = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    alasan_konfirmasi = models.CharField(_("reason for confirming"), max_length=200, blank=True)
    # growthstandards engine and plausibility rules that computed the fields above.
    mesin_versi = models.CharField(max_length=40, blank=True)

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    @property
    def perlu_konfirmasi(self) -> bool:
        """Flagged and not confirmed yet: counted under `flagged`, in no prevalence."""
        return self.perlu_cek_ulang and self.dikonfirmasi_pada is None

    class Meta:
        ordering = ["tanggal", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [models.Index(fields=["sasaran", "tanggal"])]


class LayananDiberikan(CoLocated, Record):
    """Langkah 4: a service given at a visit (imunisasi, vitamin A, TTD, KB, PMT, ...)."""

    kabkota_from = "kunjungan"

    kunjungan = models.ForeignKey(Kunjungan, on_delete=models.CASCADE, related_name="layanan")
    jenis = models.CharField(_("service"), max_length=50)
    keterangan = models.CharField(_("details"), max_length=250, blank=True)

    wilayah_path = "kunjungan__sasaran__desa_id"
    scope_fields = {
        "wilayah": "kunjungan__sasaran__desa__kode",
        "posyandu": "kunjungan__sasaran__posyandu_id",
    }


class Penyuluhan(CoLocated, Record):
    """Langkah 5: an education topic given to a person at a visit."""

    kabkota_from = "kunjungan"

    kunjungan = models.ForeignKey(Kunjungan, on_delete=models.CASCADE, related_name="penyuluhan")
    topik = models.CharField(_("topic"), max_length=100)

    wilayah_path = "kunjungan__sasaran__desa_id"
    scope_fields = {
        "wilayah": "kunjungan__sasaran__desa__kode",
        "posyandu": "kunjungan__sasaran__posyandu_id",
    }
