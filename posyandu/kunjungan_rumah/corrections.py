"""Home visits can be corrected or voided with a reason (screens: sesi; service: core).
Voiding a home visit voids what was recorded for each member, and a member's measurement."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import Correctable, register_correctable
from posyandu.kunjungan_rumah.models import AnggotaDikunjungi, KunjunganRumah


def _visit_url(visit: KunjunganRumah) -> str:
    return reverse("kunjungan_rumah:detail", args=[visit.public_id])


def _measurement_of(member: AnggotaDikunjungi) -> list[Any]:
    return [member.pengukuran] if member.pengukuran_id else []


def register() -> None:
    register_correctable(
        Correctable(
            KunjunganRumah,
            _("home visit"),
            fields=lambda r: ["tanggal", "bertemu", "temuan", "tindakan"],
            person="",
            return_url=_visit_url,
        )
    )
    register_correctable(
        Correctable(
            AnggotaDikunjungi,
            _("family member visited"),
            fields=lambda r: ["catatan"],
            part_of="kunjungan",
            parts=_measurement_of,
            return_url=lambda r: _visit_url(r.kunjungan),
        )
    )
