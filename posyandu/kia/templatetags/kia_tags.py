"""Pregnancy risks in words for the maternal-care templates."""

from typing import Any

from django import template
from django.utils.formats import localize

from posyandu.core.i18n import loc
from posyandu.kia import rules_kia

register = template.Library()


@register.filter
def risk_labels(codes: Any) -> str:
    """Pregnancy risk codes (kia rules/risiko.json) in words, comma-separated."""
    labels = {r["code"]: r["label"] for r in rules_kia.load("risiko")["rules"]}
    return ", ".join(loc(labels[c]) if c in labels else str(c) for c in codes or [])


@register.filter
def risk_detail(risk: Any) -> str:
    """What triggered a pregnancy risk, in words: "umur 43", "Pernah operasi sesar"."""
    data = rules_kia.load("risiko")
    names = data.get("var_labels", {})
    history = {h["code"]: h["label"] for h in data["history_items"]}
    parts = []
    for var, value in getattr(risk, "values", ()) or ():
        if var == "riwayat":
            parts.append(loc(history.get(value)) or str(value))
        else:
            parts.append(f"{loc(names.get(var)) or var} {localize(value)}")
    return ", ".join(parts) or getattr(risk, "detail", "")
