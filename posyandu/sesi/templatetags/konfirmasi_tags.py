"""The "Konfirmasi nilai" part of the result box (issue 11): a flagged measurement's
confirmation, or the form to confirm it when the user may (accounts.scope.may_correct)."""

from typing import Any

from django import template

from posyandu.accounts.scope import may_correct

register = template.Library()


@register.inclusion_tag("sesi/_konfirmasi.html", takes_context=True)
def measurement_confirmation(context: dict[str, Any], p: Any, next: str = "") -> dict[str, Any]:
    request = context["request"]
    flagged_open = p.perlu_cek_ulang and p.dikonfirmasi_pada is None
    return {
        "p": p,
        "allowed": flagged_open and may_correct(request.user, p),
        "next": next or request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
