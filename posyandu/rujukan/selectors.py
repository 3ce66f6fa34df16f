"""Reads of referrals, always through the caller's scope."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from posyandu.accounts.scope import restrict
from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.rules import feedback_days

OPEN = (Rujukan.Status.DIKIRIM, Rujukan.Status.DITERIMA)


def referrals_visible(user: Any) -> QuerySet[Rujukan]:
    qs = Rujukan.objects.select_related(
        "sasaran__posyandu__desa", "tujuan_puskesmas", "tujuan_pustu"
    )
    return restrict(qs, user, "personal")


def escalation_cutoff(today: date) -> date:
    """Referrals sent on or before this day with no feedback are escalated."""
    return today - timedelta(days=feedback_days())


def overdue(qs: QuerySet[Rujukan], today: date) -> QuerySet[Rujukan]:
    """Open referrals still without feedback after the rule's number of days."""
    return qs.filter(
        status__in=OPEN, tanggal_umpan_balik__isnull=True, tanggal__lte=escalation_cutoff(today)
    )


def is_overdue(rujukan: Rujukan, today: date) -> bool:
    return (
        rujukan.status in OPEN
        and rujukan.tanggal_umpan_balik is None
        and rujukan.tanggal <= escalation_cutoff(today)
    )


@dataclass(frozen=True)
class ClinicalFacts:
    """What a clinician needs at a glance on an incoming referral."""

    umur: str
    tanggal_ukur: date | None = None
    berat_kg: Decimal | None = None
    tinggi_cm: Decimal | None = None
    lila_cm: Decimal | None = None
    tekanan_darah: str = ""
    zscores: tuple[tuple[str, Decimal, str], ...] = ()  # (indicator, z, category label)
    status_bb: str = ""
    usia_kehamilan_minggu: int | None = None
    telepon: str = ""
