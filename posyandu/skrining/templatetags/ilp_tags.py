"""Template helpers shared by the ILP service apps (skrining, imunisasi, kia)."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def loc(label: Any) -> str:
    """A {"id": ..., "en": ...} label of a rules file in the active language."""
    if not isinstance(label, dict):
        return "" if label is None else str(label)
    lang = (get_language() or "id")[:2]
    return label.get(lang) or label.get("id") or label.get("en") or ""


@register.filter
def hasil_label(hasil: Any) -> str:
    """The category of a stored screening result in words, from the definition version it
    was computed with (the code itself when that version is gone)."""
    from posyandu.skrining import engine

    label = engine.category_label(hasil.definisi, hasil.kategori, hasil.definisi_versi or None)
    return loc(label) if label else hasil.kategori


@register.filter
def risk_labels(codes: Any) -> str:
    """Pregnancy risk codes (kia rules/risiko.json) in words, comma-separated."""
    from posyandu.kia import rules_kia

    labels = {r["code"]: r["label"] for r in rules_kia.load("risiko")["rules"]}
    return ", ".join(loc(labels[c]) if c in labels else str(c) for c in codes or [])


@register.filter
def risk_detail(risk: Any) -> str:
    """What triggered a pregnancy risk, in words: "umur 43", "Pernah operasi sesar"."""
    from django.utils.formats import localize

    from posyandu.kia import rules_kia

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


@register.simple_tag(takes_context=True)
def render_ilp_panel(context: Any, panel: Any) -> SafeString:
    html = render_to_string(
        panel.template, {**panel.context, "panel": panel}, request=context.get("request")
    )
    return mark_safe(html)  # noqa: S308 - our own template output
