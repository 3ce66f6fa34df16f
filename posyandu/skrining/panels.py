"""Screening panels for the Posyandu day and the person page, built from the definitions."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from posyandu.core.i18n import loc
from posyandu.core.registry import Panel
from posyandu.sasaran.models import Sasaran
from posyandu.skrining import engine
from posyandu.skrining.context import from_measurement, person_context, prefill
from posyandu.skrining.messages import errors_by_field
from posyandu.skrining.models import HasilSkrining


def due_definitions(sasaran: Sasaran, on: date, context: dict[str, Any]) -> list[dict]:
    """Default definitions for this person on this day (age, sex, life stage, month)."""
    return [
        d
        for d in engine.default_definitions()
        if d.get("on_visit", True) and engine.applies_to(d, context, on)
    ]


def form_context(
    definition: dict,
    sasaran: Sasaran,
    on: date,
    *,
    context: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: list | None = None,
    kunjungan: Any = None,
    last: HasilSkrining | None = None,
    measured_today: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`measured_today`: prefill(sasaran, on) when the caller has read it for several forms."""
    today = prefill(sasaran, on) if measured_today is None else measured_today
    measured = from_measurement(definition, today)
    values = {**(values if values is not None else {}), **measured}
    messages = errors_by_field(errors or [])
    fields = []
    for item in definition["inputs"]:
        fields.append(
            {
                **item,
                "name": item["key"],
                "label_text": loc(item["label"]),
                "value": values.get(item["key"], ""),
                "from_measurement": item["key"] in measured,
                "error": messages.get(item["key"], ""),
                "options": [{**o, "label_text": loc(o["label"])} for o in item.get("options", [])],
            }
        )
    return {
        "definition": definition,
        "title": loc(definition["title"]),
        "fields": fields,
        "sasaran": sasaran,
        "tanggal": on,
        "preview": engine.preview(definition, context),
        "kunjungan_id": getattr(kunjungan, "public_id", ""),
        "last": last,
        "has_errors": bool(errors),
        "from_measurement": bool(measured),
    }


def visit_panels(request: Any, sasaran: Sasaran, on: date, kunjungan: Any = None) -> list[Panel]:
    context = person_context(sasaran, on)
    defs = due_definitions(sasaran, on, context)
    last = _last_results(sasaran, [d["id"] for d in defs])
    today = prefill(sasaran, on) if defs else {}
    return [
        Panel(
            key=f"skrining-{d['id']}",
            title=loc(d["title"]),
            template="skrining/_form.html",
            context=form_context(
                d,
                sasaran,
                on,
                context=context,
                kunjungan=kunjungan,
                last=last.get(d["id"]),
                measured_today=today,
            ),
            order=60 + d.get("order", 50) // 10,
            # done today: a closed section (the result is inside)
            due=_done_on(last.get(d["id"]), on) is False,
        )
        for d in defs
    ]


def history_panels(request: Any, sasaran: Sasaran) -> list[Panel]:
    rows = list(HasilSkrining.objects.filter(sasaran=sasaran).order_by("definisi", "-tanggal"))
    if not rows:
        return []
    titles = {d["id"]: loc(d["title"]) for d in engine.all_definitions().values()}
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(titles.get(row.definisi, row.definisi), []).append(row)
    return [
        Panel(
            key="skrining-riwayat",
            title=_("Screenings and supplements"),
            template="skrining/_history.html",
            context={"groups": sorted(groups.items())},
            order=70,
        )
    ]


def _done_on(last: HasilSkrining | None, on: date) -> bool:
    return last is not None and last.tanggal == on


def _last_results(sasaran: Sasaran, ids: list[str]) -> dict[str, HasilSkrining]:
    out: dict[str, HasilSkrining] = {}
    for row in HasilSkrining.objects.filter(sasaran=sasaran, definisi__in=ids).order_by(
        "-tanggal", "-id"
    ):
        out.setdefault(row.definisi, row)
    return out


def referral_reason_label(code: str) -> str | None:
    """A screening's referral rule ("<definition>:<category>") in the active language, for
    the referral pages (core.registry reason labels); None for any other code."""
    def_id, sep, category = code.partition(":")
    label = engine.category_label(def_id, category) if sep else None
    if label is None:
        return None
    return f"{loc(engine.definition(def_id)['title'])}: {loc(label)}"
