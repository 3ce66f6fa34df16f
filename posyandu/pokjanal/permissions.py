"""Who may write in a Pokjanal workspace: the Pokjanal roles whose region covers it, admins."""

from typing import Any

from posyandu.accounts.models import Role
from posyandu.accounts.scope import restrict
from posyandu.fasilitas.models import Posyandu

WRITERS = (Role.POKJANAL_KECAMATAN, Role.POKJANAL_KABKOTA)


def can_write(user: Any, kode: str) -> bool:
    """A Pokjanal kecamatan member writes in their kecamatan (and its desa); a kab/kota member
    in the kab/kota and every kecamatan below. Other roles only read (aggregate scope)."""
    if not getattr(user, "is_authenticated", False) or not kode:
        return False
    if user.is_superuser:
        return True
    for role, wilayah in user.assignments.filter(active=True).values_list("role", "wilayah_id"):
        if role == Role.ADMIN:
            return True
        if role in WRITERS and wilayah and (kode == wilayah or kode.startswith(wilayah + ".")):
            return True
    return False


def can_record_spm(user: Any, posyandu: Any) -> bool:
    """The Posyandu's own people (personal scope: its kader, the bidan, the Puskesmas) and
    the Pokjanal that guides it record its SPM fields."""
    if can_write(user, posyandu.desa_id):
        return True
    return restrict(Posyandu.objects.filter(pk=posyandu.pk), user, "personal").exists()
