"""Doses can be corrected or voided with a reason (screens and service: sesi, core)."""

from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import Correctable, register_correctable
from posyandu.imunisasi.models import Imunisasi


def register() -> None:
    register_correctable(
        Correctable(
            Imunisasi,
            _("dose"),
            fields=lambda r: ["vaksin", "tanggal", "batch", "nama_tempat"],
            part_of="kunjungan",
        )
    )
