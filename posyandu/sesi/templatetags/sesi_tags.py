from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from posyandu.core.registry import Panel

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context: Any, panel: Panel) -> SafeString:
    """A panel's template with the panel's own context (plus `panel`), in this request."""
    html = render_to_string(
        panel.template, {**panel.context, "panel": panel}, request=context.get("request")
    )
    return mark_safe(html)  # noqa: S308 - rendered by Django's autoescaping engine


ZCLASS = {  # Permenkes category code -> colour class
    "bb_sangat_kurang": "bad",
    "bb_kurang": "warn",
    "bb_normal": "ok",
    "risiko_bb_lebih": "warn",
    "sangat_pendek": "bad",
    "pendek": "warn",
    "normal": "ok",
    "tinggi": "warn",
    "gizi_buruk": "bad",
    "gizi_kurang": "warn",
    "gizi_baik": "ok",
    "berisiko_gizi_lebih": "warn",
    "gizi_lebih": "warn",
    "obesitas": "bad",
    "mikrosefali": "warn",
    "makrosefali": "warn",
}


@register.filter
def category_class(code: str) -> str:
    return ZCLASS.get(code, "")
