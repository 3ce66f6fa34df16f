"""Maternal-care panel: register a pregnancy, ANC (K1-K6, risks), delivery, KF/KN visits."""

from datetime import date
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from posyandu.core.i18n import loc
from posyandu.core.registry import Panel
from posyandu.fasilitas.models import Posyandu
from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, Persalinan
from posyandu.kia.selectors import (
    OVERDUE_GRACE,
    anc_due,
    danger_today,
    day_values,
    pregnancy_summary,
)
from posyandu.kia.templatetags.kia_tags import risk_detail
from posyandu.sasaran.bounds import reproductive_age
from posyandu.sasaran.models import Sasaran


def panel_context(sasaran: Sasaran, on: date, kunjungan: Any = None) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "sasaran": sasaran,
        "tanggal": on,
        "kunjungan_id": getattr(kunjungan, "public_id", ""),
        "mode": "",
        "history_items": rules_kia.load("risiko")["history_items"],
    }
    if sasaran.jenis_kelamin != Sasaran.Sex.FEMALE:
        return ctx
    current = (
        Kehamilan.objects.filter(
            sasaran=sasaran, status=Kehamilan.Status.HAMIL, hpl__gte=on - OVERDUE_GRACE
        )
        .prefetch_related("anc")
        .first()
    )
    if current is not None:
        values = day_values(sasaran, on)  # blood pressure typed once, in the measurement
        return ctx | {
            "mode": "hamil",
            "summary": pregnancy_summary(current, on),
            "hari_ini": values,
            "bahaya": danger_today(sasaran, on, get_language() or "id"),
        }
    days = rules_kia.load("nifas")["postpartum_days"]
    persalinan = (
        Persalinan.objects.filter(kehamilan__sasaran=sasaran, tanggal__lte=on)
        .order_by("-tanggal")
        .prefetch_related("nifas")
        .first()
    )
    if persalinan is not None and (on - persalinan.tanggal).days <= days:
        done = {k: {v.ke for v in persalinan.nifas.all() if v.jenis == k} for k in ("KF", "KN")}
        return ctx | {
            "mode": "nifas",
            "persalinan": persalinan,
            "kf": rules_kia.nifas_schedule("KF", persalinan.tanggal, done["KF"], on),
            "kn": rules_kia.nifas_schedule("KN", persalinan.tanggal, done["KN"], on),
        }
    if reproductive_age(sasaran.tanggal_lahir, on):  # 10-55 years, sasaran/rules/registrasi.json
        ctx["mode"] = "daftar"
    return ctx


def visit_panels(request: Any, sasaran: Sasaran, on: date, kunjungan: Any = None) -> list[Panel]:
    ctx = panel_context(sasaran, on, kunjungan)
    if not ctx["mode"]:
        return []
    titles = {
        "hamil": _("Pregnancy (ANC)"),
        "nifas": _("Postpartum and newborn visits"),
        "daftar": _("Register a pregnancy"),
    }
    order = 90 if ctx["mode"] == "daftar" else 20
    # registering a pregnancy is offered, not due; an ANC or nifas contact is
    due = ctx["mode"] != "daftar"
    # danger values of today's measurement are said in the result box at the top too
    alert = "kia/_bahaya_hasil.html" if ctx["mode"] == "hamil" and ctx.get("bahaya") else ""
    return [
        Panel("kia", titles[ctx["mode"]], "kia/_panel.html", ctx, order=order, due=due, alert=alert)
    ]


def history_panels(request: Any, sasaran: Sasaran) -> list[Panel]:
    rows = list(Kehamilan.objects.filter(sasaran=sasaran).prefetch_related("anc").order_by("-hpl"))
    if not rows:
        return []
    return [Panel("kia-riwayat", _("Pregnancies"), "kia/_history.html", {"rows": rows}, order=20)]


def expected_at_session(posyandu: Posyandu, on: date, came_ids: set[int]) -> list[Panel]:
    """Session summary: pregnant women of the Posyandu due an ANC contact, not checked in."""
    people = Sasaran.objects.filter(posyandu=posyandu, status=Sasaran.Status.AKTIF).exclude(
        pk__in=came_ids
    )
    rows = anc_due(people, on)
    title = ngettext(
        "%(n)s pregnant woman due an ANC contact, not come yet",
        "%(n)s pregnant women due an ANC contact, not come yet",
        len(rows),
    ) % {"n": len(rows)}
    return [Panel("anc", title, "kia/_expected.html", {"rows": rows}, order=10)]


def referral_facts(sasaran: Sasaran, on: date) -> list[tuple[str, str]]:
    """The pregnancy week (and HPL) of a pregnant woman and her known risks (KEK, anaemia,
    4T, ... of rules/risiko.json, each with the value behind it), for an incoming referral."""
    kehamilan = (
        Kehamilan.objects.filter(sasaran=sasaran, status=Kehamilan.Status.HAMIL)
        .order_by("-hpl")
        .first()
    )
    if kehamilan is None:
        return []
    summary = pregnancy_summary(kehamilan, on)
    value = _("%(w)s weeks %(d)s days (due %(hpl)s)") % {
        "w": summary.ga_weeks,
        "d": summary.ga_days,
        "hpl": f"{kehamilan.hpl:%d-%m-%Y}",
    }
    risks = [(loc(r.label), risk_detail(r)) for r in summary.risks]
    return [(_("Pregnancy"), value), *risks]


def referral_reason_label(code: str) -> str | None:
    """Words for the referral reasons "kia:<code>" of a pregnant woman's danger values."""
    if not code.startswith("kia:"):
        return None
    return rules_kia.danger_label(code.removeprefix("kia:"), get_language() or "id")
