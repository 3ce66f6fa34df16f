"""People (sasaran) and households (keluarga) the Posyandu serves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.core.colocation import CoLocated
from posyandu.core.models import Record
from posyandu.fasilitas.models import Posyandu
from posyandu.wilayah.models import Wilayah


class Keluarga(CoLocated, Record):
    no_kk = models.CharField(_("family card (KK) number"), max_length=16, blank=True)
    kepala_keluarga = models.CharField(_("head of household"), max_length=150, blank=True)
    desa = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    dusun = models.CharField(_("hamlet (dusun)"), max_length=100, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    alamat = models.CharField(_("address"), max_length=250, blank=True)
    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="keluarga")

    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.kepala_keluarga or self.no_kk or str(self.public_id)


class Sasaran(CoLocated, Record):
    """A person the Posyandu serves: baby, child, pregnant woman, adult, elderly."""

    class Sex(models.TextChoices):
        MALE = "L", _("male")
        FEMALE = "P", _("female")

    class Status(models.TextChoices):
        AKTIF = "aktif", _("active")
        PINDAH = "pindah", _("moved away")
        MENINGGAL = "meninggal", _("deceased")
        DIGABUNG = "digabung", _("merged into another record")

    nik = models.CharField("NIK", max_length=16, null=True, blank=True)
    nama = models.CharField(_("name"), max_length=150, db_index=True)
    jenis_kelamin = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    tanggal_lahir = models.DateField(_("date of birth"))
    tanggal_lahir_perkiraan = models.BooleanField(_("birth date estimated"), default=False)
    keluarga = models.ForeignKey(
        Keluarga, null=True, blank=True, on_delete=models.SET_NULL, related_name="anggota"
    )
    ibu = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="anak"
    )
    nama_ibu = models.CharField(_("mother's name"), max_length=150, blank=True)
    nik_ibu = models.CharField(_("mother's NIK"), max_length=16, blank=True)
    telepon = models.CharField(_("phone"), max_length=20, blank=True)
    # The person's own RT/RW (a baby may be registered before the household is).
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    # Buku KIA birth record of a baby (bounds: rules/registrasi.json).
    berat_lahir_g = models.PositiveIntegerField(_("birth weight (g)"), null=True, blank=True)
    panjang_lahir_cm = models.DecimalField(
        _("birth length (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    no_bpjs = models.CharField(_("BPJS number"), max_length=13, blank=True)
    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="sasaran")
    # Denormalised from the Posyandu so region queries need no join.
    desa = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AKTIF)
    status_sejak = models.DateField(_("status since"), null=True, blank=True)
    # K of SKDN: the child has a KMS / Buku KIA.
    punya_buku_kia = models.BooleanField(_("has KMS / Buku KIA"), default=True)
    digabung_ke = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged into"),
    )
    satusehat_ihs = models.CharField(_("SATUSEHAT IHS number"), max_length=20, blank=True)

    wilayah_path = "desa_id"
    scope_fields = {"wilayah": "desa__kode", "posyandu": "posyandu_id"}

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=models.Q(nik__isnull=False, deleted_at__isnull=True),
                name="unique_live_nik",
            )
        ]
        indexes = [
            models.Index(fields=["posyandu", "tanggal_lahir"]),
            models.Index(fields=["desa", "tanggal_lahir"]),
        ]

    def __str__(self) -> str:
        return self.nama


class Persetujuan(CoLocated, Record):
    """Consent for processing personal data (UU 27/2022 PDP): who gave it, when, for what."""

    kabkota_from = "sasaran"

    class Tujuan(models.TextChoices):
        PELAYANAN = "pelayanan", _("health services and records")
        PELAPORAN = "pelaporan", _("reporting to the health office and SATUSEHAT")
        KONTAK = "kontak", _("reminders by phone / WhatsApp")

    sasaran = models.ForeignKey(Sasaran, on_delete=models.CASCADE, related_name="persetujuan")
    diberikan_oleh = models.CharField(_("given by"), max_length=150)
    hubungan = models.CharField(_("relation to the person"), max_length=50, default="diri sendiri")
    tanggal = models.DateField(_("date"))
    tujuan = models.JSONField(_("purposes"), default=list)
    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dicabut = models.DateField(_("withdrawn on"), null=True, blank=True)

    wilayah_path = "sasaran__desa_id"
    scope_fields = {"wilayah": "sasaran__desa__kode", "posyandu": "sasaran__posyandu_id"}

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")


class PermintaanPindah(CoLocated, Record):
    """A request to move a person registered at another Posyandu to the requester's one
    ("pindah masuk"). The requester gives the NIK and what the person told them (name, birth
    date) and learns nothing about where the person is registered; the bidan of the person's
    current Posyandu (or its Puskesmas) approves, and only then the person moves."""

    kabkota_from = "sasaran"

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("waiting for a decision")
        DISETUJUI = "disetujui", _("approved: the person has moved")
        DITOLAK = "ditolak", _("refused")

    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="+")
    dari_posyandu = models.ForeignKey(
        Posyandu, on_delete=models.PROTECT, related_name="+", verbose_name=_("from Posyandu")
    )
    ke_posyandu = models.ForeignKey(
        Posyandu, on_delete=models.PROTECT, related_name="+", verbose_name=_("to Posyandu")
    )
    nama = models.CharField(_("name as given by the person"), max_length=150)
    tanggal_lahir = models.DateField(_("date of birth as given"), null=True, blank=True)
    alasan = models.CharField(_("reason"), max_length=300, blank=True)
    diminta_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MENUNGGU)
    diputuskan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    diputuskan_pada = models.DateTimeField(null=True, blank=True)
    catatan = models.CharField(_("note on the decision"), max_length=300, blank=True)

    # Seen (and decided) on the side of the person's current Posyandu; the requester sees
    # their own requests through `ke_posyandu` (selectors.transfer_requests_sent).
    wilayah_path = "dari_posyandu__desa_id"
    scope_fields = {"wilayah": "dari_posyandu__desa__kode", "posyandu": "dari_posyandu_id"}

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            models.UniqueConstraint(
                fields=["sasaran", "ke_posyandu"],
                condition=models.Q(status="menunggu", deleted_at__isnull=True),
                name="one_open_transfer_request_per_person_and_posyandu",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nama} → {self.ke_posyandu}"
