"""Writes for referrals. Every app that suggests a referral creates it through here."""

from datetime import date
from typing import Any

from django.db import transaction

from posyandu.fasilitas.models import Puskesmas, Pustu
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran


@transaction.atomic
def referral_create(
    *,
    sasaran: Sasaran,
    alasan: str,
    by: Any,
    tanggal: date,
    aturan: list[str] | None = None,
    puskesmas: Puskesmas | None = None,
    pustu: Pustu | None = None,
) -> Rujukan:
    """Refer a person to the Puskesmas (default: the one serving their Posyandu)."""
    if not alasan.strip():
        raise ValueError("Alasan rujukan wajib diisi.")
    posyandu = sasaran.posyandu
    return Rujukan.objects.create(
        sasaran=sasaran,
        tanggal=tanggal,
        alasan=alasan.strip(),
        aturan=aturan or [],
        dibuat_oleh=by if getattr(by, "is_authenticated", False) else None,
        tujuan_puskesmas=puskesmas or posyandu.puskesmas,
        tujuan_pustu=pustu if pustu is not None else posyandu.pustu,
    )


@transaction.atomic
def referral_feedback(
    *, rujukan: Rujukan, umpan_balik: str, by: Any, tanggal: date, selesai: bool = True
) -> Rujukan:
    """The Puskesmas records what it found and did (umpan balik); the kader sees it."""
    if not umpan_balik.strip():
        raise ValueError("Umpan balik wajib diisi.")
    rujukan.umpan_balik = umpan_balik.strip()
    rujukan.tanggal_umpan_balik = tanggal
    rujukan.dijawab_oleh = by if getattr(by, "is_authenticated", False) else None
    rujukan.status = Rujukan.Status.SELESAI if selesai else Rujukan.Status.DITERIMA
    rujukan.save()
    return rujukan
