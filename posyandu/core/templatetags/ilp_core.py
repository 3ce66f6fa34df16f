"""Template helpers every app may use: panels of core.registry, labels of rule files."""

import uuid
from decimal import Decimal
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from posyandu.core import i18n
from posyandu.core.numbers import format_measured
from posyandu.core.registry import Panel

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context: Any, panel: Panel) -> SafeString:
    """A panel's template with the panel's own context (plus `panel`), in this request."""
    html = render_to_string(
        panel.template, {**panel.context, "panel": panel}, request=context.get("request")
    )
    return mark_safe(html)  # noqa: S308 - rendered by Django's autoescaping engine


@register.simple_tag(takes_context=True)
def render_panel_alert(context: Any, panel: Panel) -> SafeString:
    """A panel's alert for the result box (Panel.alert), with the panel's own context."""
    if not panel.alert:
        return mark_safe("")  # noqa: S308 - empty
    html = render_to_string(
        panel.alert, {**panel.context, "panel": panel}, request=context.get("request")
    )
    return mark_safe(html)  # noqa: S308 - rendered by Django's autoescaping engine


@register.filter
def loc(label: Any) -> str:
    """A {"id": ..., "en": ...} label of a rules file in the active language."""
    return i18n.loc(label)


@register.simple_tag
def idempotency_field() -> SafeString:
    """A hidden idempotency key, new on every render of a form that creates a record: the
    same form sent twice (a double tap, a resend) saves once (posyandu.core.idempotency)."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4())


@register.filter
def measured(value: Any) -> str:
    """A measured decimal as the kader types it ("9,8", not "9.80"): core.numbers."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, Decimal | float | int):
        return str(value)
    return format_measured(value)
