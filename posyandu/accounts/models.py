from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from posyandu.wilayah.models import Wilayah


class User(AbstractUser):
    # Demo accounts made by seed_demo; refused at login unless DEMO_MODE (DEBUG) is on.
    is_demo = models.BooleanField(default=False, editable=False)
    telepon = models.CharField(_("phone"), max_length=20, blank=True)


class Role(models.TextChoices):
    KADER = "kader", _("Kader")
    BIDAN = "bidan", _("Village midwife / Pustu")
    PUSKESMAS = "puskesmas", _("Puskesmas staff")
    POKJANAL_KECAMATAN = "pokjanal_kec", _("Pokjanal (district)")
    POKJANAL_KABKOTA = "pokjanal_kab", _("Pokjanal (regency/city)")
    DINKES = "dinkes", _("District Health Office")
    ADMIN = "admin", _("Administrator")


# What an assignment of each role must point at, and at which region level.
ROLE_TARGET = {
    Role.KADER: ("posyandu", None),
    Role.BIDAN: ("wilayah", Wilayah.Tingkat.DESA),
    Role.PUSKESMAS: ("puskesmas", None),
    Role.POKJANAL_KECAMATAN: ("wilayah", Wilayah.Tingkat.KECAMATAN),
    Role.POKJANAL_KABKOTA: ("wilayah", Wilayah.Tingkat.KABKOTA),
    Role.DINKES: ("wilayah", Wilayah.Tingkat.KABKOTA),
    Role.ADMIN: (None, None),
}


class Assignment(models.Model):
    """A user's role at one place. A user may hold several (a bidan who is also a kader).

    Facilities are named by model label: access control sits below the facility app."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    wilayah = models.ForeignKey(
        Wilayah, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    puskesmas = models.ForeignKey(
        "fasilitas.Puskesmas", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pustu = models.ForeignKey(
        "fasilitas.Pustu", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posyandu = models.ForeignKey(
        "fasilitas.Posyandu", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Pokjanal members see aggregates only, unless their SK gives them case management.
    can_see_personal = models.BooleanField(_("may see personal data"), default=False)
    opd = models.CharField(_("agency (OPD)"), max_length=150, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place_label}"

    @property
    def role_label(self) -> str:
        """The role as users call it; the Pokjanal's name is a setting (Permendagri 13/2024)."""
        if self.role == Role.POKJANAL_KECAMATAN:
            return _("%(body)s of the district") % {"body": settings.POKJANAL_DISPLAY_NAME}
        if self.role == Role.POKJANAL_KABKOTA:
            return _("%(body)s of the regency/city") % {"body": settings.POKJANAL_DISPLAY_NAME}
        return str(self.get_role_display())

    @property
    def place_label(self) -> str:
        place = self.posyandu or self.puskesmas or self.pustu or self.wilayah
        return str(place.nama) if place else str(_("all regions"))

    def clean(self) -> None:
        target, level = ROLE_TARGET[Role(self.role)]
        if self.role == Role.BIDAN and not self.wilayah_id and self.pustu is not None:
            self.wilayah_id = self.pustu.desa_id
        if target and getattr(self, f"{target}_id") is None:
            raise ValidationError(_("This role needs a %(target)s.") % {"target": target})
        if level and self.wilayah and self.wilayah.tingkat != level:
            raise ValidationError(
                _("This role must be assigned to a region of level %(level)s.")
                % {"level": Wilayah.Tingkat(level).label}
            )


class ApiToken(models.Model):
    """A key for a machine client (an integration) of the JSON API, beside the browser's
    session. It acts as its `user`, so it is scoped like that account's role (give an
    integration its own account with one assignment). Only a SHA-256 digest is stored; the key
    is shown once. It expires, can be revoked, and every use is audited as that account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    nama = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.nama} ({self.prefix}…)"
