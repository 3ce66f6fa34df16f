"""Danger signs (tanda bahaya) ticked at a measurement: codes from rules/tanda_bahaya.json.

The codes are stored on Pengukuran.tanda_bahaya with the data version, so the result, the
referral suggestion and later readers (follow-up tasks, reports) all see the same signs.
"""

from functools import cache
from typing import Any

from django.utils.translation import get_language

from posyandu.core.rules import load_rule

REFERRAL_CODE = "tanda_bahaya"  # the referral rule code (posyandu.rujukan.rules)


@cache
def rules() -> dict[str, Any]:
    return load_rule("sesi", "tanda_bahaya").data


def version() -> str:
    data = rules()
    return f"{data['id']}@{data['version']}"


def signs(group: str) -> list[dict[str, str]]:
    """The signs asked for a stage group ("child", "maternal"); [] for other groups."""
    return rules()["groups"].get(group, [])


def all_codes() -> set[str]:
    return {s["code"] for group in rules()["groups"].values() for s in group}


def label(code: str) -> str:
    lang = "id" if (get_language() or "id").startswith("id") else "en"
    for group in rules()["groups"].values():
        for sign in group:
            if sign["code"] == code:
                return sign[f"label_{lang}"]
    return code


def clean_codes(codes: list[str] | None) -> list[str]:
    """Known codes, in the data file's order, each once. Unknown codes raise ValueError."""
    codes = list(codes or [])
    unknown = [c for c in codes if c not in all_codes()]
    if unknown:
        raise ValueError(f"Tanda bahaya tidak dikenal: {', '.join(unknown)}")
    order = [s["code"] for group in rules()["groups"].values() for s in group]
    return [c for c in order if c in set(codes)]
