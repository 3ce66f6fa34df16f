"""Who may record what in the Pokjanal screens. Role checks live in accounts/scope.py."""

from typing import Any

from posyandu.accounts.scope import can_write_pokjanal, restrict
from posyandu.fasilitas.models import Posyandu


def can_record_spm(user: Any, posyandu: Any) -> bool:
    """The Posyandu's own people (personal scope: its kader, the bidan, the Puskesmas) and
    the Pokjanal that guides it record its SPM fields."""
    if can_write_pokjanal(user, posyandu.desa_id):
        return True
    return restrict(Posyandu.objects.filter(pk=posyandu.pk), user, "personal").exists()
