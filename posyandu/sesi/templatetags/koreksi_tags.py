"""The correction parts of the visit page: its entries (voided ones struck through) and undo."""

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

from posyandu.accounts.scope import entered_today_by, may_correct
from posyandu.core.numbers import format_measured
from posyandu.core.registry import Correctable
from posyandu.sesi.corrections import entries_of_visit

register = template.Library()


def describe(spec: Correctable, record: Any) -> str:
    """A short text of what a record holds: its correctable fields that have a value."""
    parts = []
    for name in spec.fields(record):
        value = getattr(record, name)
        if value in (None, "", False):
            continue
        field = record._meta.get_field(name)
        shown = getattr(record, f"get_{name}_display")() if field.choices else value
        if isinstance(value, Decimal):
            shown = format_measured(value)  # "9,8", as typed and as the result box shows it
        parts.append(
            f"{field.verbose_name}: {shown}" if value is not True else str(field.verbose_name)
        )
    return ", ".join(parts)


def correction_url(spec: Correctable, record: Any) -> str:
    return reverse("sesi:koreksi", args=[spec.label, record.public_id])


@register.inclusion_tag("sesi/_koreksi_visit.html", takes_context=True)
def visit_corrections(context: dict[str, Any], kunjungan: Any) -> dict[str, Any]:
    user = context["request"].user
    entries = []
    undo = None
    for spec, record in entries_of_visit(kunjungan):
        live = record.deleted_at is None
        entry = {
            "title": spec.title,
            "text": describe(spec, record),
            "record": record,
            "url": correction_url(spec, record) if live and may_correct(user, record) else "",
        }
        if live and undo is None:
            undo = entry if entered_today_by(user, record) else False
        entries.append(entry)
    return {
        "entries": entries,
        "undo": undo or None,
        "kunjungan": kunjungan,
        "checkin_url": correction_url_of_checkin(user, kunjungan),
        "csrf_token": context.get("csrf_token"),
    }


def correction_url_of_checkin(user: Any, kunjungan: Any) -> str:
    if not may_correct(user, kunjungan):
        return ""
    return reverse("sesi:koreksi", args=["sesi.Kunjungan", kunjungan.public_id])
