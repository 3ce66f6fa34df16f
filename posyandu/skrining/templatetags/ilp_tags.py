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


@register.simple_tag(takes_context=True)
def render_ilp_panel(context: Any, panel: Any) -> SafeString:
    html = render_to_string(
        panel.template, {**panel.context, "panel": panel}, request=context.get("request")
    )
    return mark_safe(html)  # noqa: S308 - our own template output
