"""ANC and nifas visits can be corrected or voided with a reason (screens: sesi; service:
core)."""

from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import Correctable, register_correctable
from posyandu.kia.models import KunjunganAnc, KunjunganNifas

ANC_FIELDS = [
    "tanggal",
    "oleh_dokter",
    "tempat",
    "berat_kg",
    "lila_cm",
    "sistole",
    "diastole",
    "hb",
    "ttd_tablet",
]


def register() -> None:
    register_correctable(
        Correctable(
            KunjunganAnc,
            _("ANC visit"),
            fields=lambda r: list(ANC_FIELDS),
            person="kehamilan__sasaran",
            part_of="kunjungan",
        )
    )
    register_correctable(
        Correctable(
            KunjunganNifas,
            _("postpartum visit"),
            fields=lambda r: ["tanggal", "catatan"],
            person="persalinan__kehamilan__sasaran",
        )
    )
