"""Template helpers of the screenings."""

from typing import Any

from django import template

from posyandu.core.i18n import loc
from posyandu.skrining import engine

register = template.Library()


@register.filter
def hasil_label(hasil: Any) -> str:
    """The category of a stored screening result in words, from the definition version it
    was computed with (the code itself when that version is gone)."""
    label = engine.category_label(hasil.definisi, hasil.kategori, hasil.definisi_versi or None)
    return loc(label) if label else hasil.kategori
