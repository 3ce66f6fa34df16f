"""Immunization panels: child schedule (< 5 y), BIAS (school age), Td status (women 15-49)."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from posyandu.core.registry import Panel
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.selectors import (
    bias_status_of,
    doses_of,
    due_list,
    status_of,
    td_status_of,
)
from posyandu.imunisasi.selectors import idl_status as idl_of
from posyandu.sasaran.life_stage import BALITA, DEWASA, completed_months
from posyandu.sasaran.models import Sasaran

STATUS_LABELS = {
    schedule.GIVEN: "✓",
    schedule.DUE: "due",
    schedule.OVERDUE: "overdue",
    schedule.TOO_LATE: "too late",
    schedule.NOT_YET: "not yet",
    schedule.WAITING: "waiting",
    schedule.NOT_APPLICABLE: "n/a",
}


def panel_context(sasaran: Sasaran, on: date, kunjungan: Any = None) -> dict[str, Any]:
    months = completed_months(sasaran.tanggal_lahir, on)
    ctx: dict[str, Any] = {
        "sasaran": sasaran,
        "tanggal": on,
        "kunjungan_id": getattr(kunjungan, "public_id", ""),
        "places": Imunisasi.Tempat.choices,
        "mode": "",
    }
    if BALITA.contains(months):
        given = doses_of(sasaran)  # read once for the schedule and the IDL
        doses = [d for d in status_of(sasaran, on, given) if d.status != schedule.NOT_APPLICABLE]
        ctx |= {
            "mode": "anak",
            "doses": doses,
            "actionable": [d for d in doses if d.actionable],
            "idl": idl_of(sasaran, given=given),
            "recordable": [d.code for d in doses if d.status != schedule.GIVEN],
        }
    elif months < DEWASA.low:
        bias = bias_status_of(sasaran, on)
        ctx |= {
            "mode": "bias",
            "bias": bias,
            "recordable": [b.code for b in bias if b.status != schedule.GIVEN],
        }
    if _is_wus(sasaran, months):
        ctx |= {"td": td_status_of(sasaran), "show_td": True}
    return ctx


def _is_wus(sasaran: Sasaran, months: int) -> bool:
    lo, hi = schedule._load("td_wus.json")["women_age_years"]
    return sasaran.jenis_kelamin == Sasaran.Sex.FEMALE and lo * 12 <= months < (hi + 1) * 12


def visit_panels(request: Any, sasaran: Sasaran, on: date, kunjungan: Any = None) -> list[Panel]:
    ctx = panel_context(sasaran, on, kunjungan)
    if not ctx["mode"] and not ctx.get("show_td"):
        return []
    # a dose due or overdue today opens the section (the Td status of a woman stays closed)
    due = bool(ctx.get("actionable")) or any(
        b.status in (schedule.DUE, schedule.OVERDUE) for b in ctx.get("bias", [])
    )
    return [Panel("imunisasi", _("Immunization"), "imunisasi/_panel.html", ctx, order=30, due=due)]


def history_panels(request: Any, sasaran: Sasaran) -> list[Panel]:
    rows = list(Imunisasi.objects.filter(sasaran=sasaran).order_by("tanggal", "id"))
    if not rows:
        return []
    return [
        Panel(
            "imunisasi-riwayat",
            _("Immunization history"),
            "imunisasi/_history.html",
            {"rows": rows},
            order=30,
        )
    ]


def expected_at_session(posyandu: Posyandu, on: date, came_ids: set[int]) -> list[Panel]:
    """Session summary: children with a dose due or overdue on the day, not checked in."""
    rows = [(child, doses) for child, doses in due_list(posyandu, on) if child.pk not in came_ids]
    title = ngettext(
        "%(n)s child due an immunization, not come yet",
        "%(n)s children due an immunization, not come yet",
        len(rows),
    ) % {"n": len(rows)}
    return [Panel("imunisasi", title, "imunisasi/_expected.html", {"rows": rows}, order=20)]
