from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from posyandu.tugas.ruleset import title_text

register = template.Library()


@register.filter
def person_url(sasaran: Any) -> str:
    """The person page (sasaran app) when it exists, else the person's task page."""
    try:
        return reverse("sasaran:detail", args=[sasaran.public_id])
    except NoReverseMatch:
        return reverse("tugas:person", args=[sasaran.public_id])


@register.filter
def rule_title(code: str) -> str:
    return title_text(code)
