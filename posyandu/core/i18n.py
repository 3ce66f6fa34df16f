"""Localized text lookups used from Python (templates reach them through the `ilp_core` tags)."""

from typing import Any

from django.utils.translation import get_language


def loc(label: Any) -> str:
    """A {"id": ..., "en": ...} label of a rules file in the active language (Indonesian, then
    English, when the active language has no text); any other value as text."""
    if not isinstance(label, dict):
        return "" if label is None else str(label)
    lang = (get_language() or "id")[:2]
    return label.get(lang) or label.get("id") or label.get("en") or ""
