"""Writes for referrals. Every app that suggests a referral creates it through here."""

from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction

from posyandu.core.concurrency import save_if_current
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
    asal: str = Rujukan.Asal.POSYANDU,
    public_id: UUID | None = None,
) -> Rujukan:
    """Refer a person to the Puskesmas (default: the one serving their Posyandu)."""
    if not alasan.strip():
        raise ValueError("Alasan rujukan wajib diisi.")
    posyandu = sasaran.posyandu
    return Rujukan.objects.create(
        **({"public_id": public_id} if public_id else {}),  # an offline client's id
        sasaran=sasaran,
        tanggal=tanggal,
        alasan=alasan.strip(),
        aturan=aturan or [],
        asal=asal,
        dibuat_oleh=by if getattr(by, "is_authenticated", False) else None,
        tujuan_puskesmas=puskesmas or posyandu.puskesmas,
        tujuan_pustu=pustu if pustu is not None else posyandu.pustu,
    )


@transaction.atomic
def referral_feedback(
    *,
    rujukan: Rujukan,
    hasil: str,
    umpan_balik: str,
    by: Any,
    tanggal: date,
    saran_kader: str = "",
    version: int | None = None,
) -> Rujukan:
    """The Puskesmas records the outcome (hasil) and what it found and did (umpan balik); a
    rujuk balik carries advice for the kader. The kader sees the outcome and the next step."""
    if hasil not in Rujukan.Hasil.values:
        raise ValueError("Pilih hasil rujukan.")
    if not umpan_balik.strip():
        raise ValueError("Umpan balik wajib diisi.")
    if hasil == Rujukan.Hasil.RUJUK_BALIK and not saran_kader.strip():
        raise ValueError("Rujuk balik: tuliskan saran untuk kader.")
    if tanggal < rujukan.tanggal:
        raise ValueError("Tanggal umpan balik tidak boleh sebelum tanggal rujukan.")
    rujukan.hasil = hasil
    rujukan.umpan_balik = umpan_balik.strip()
    rujukan.saran_kader = saran_kader.strip()
    rujukan.tanggal_umpan_balik = tanggal
    rujukan.dijawab_oleh = by if getattr(by, "is_authenticated", False) else None
    rujukan.status = Rujukan.Status.SELESAI
    save_if_current(rujukan, version)  # StaleRecord when answered since `version` was read
    return rujukan
