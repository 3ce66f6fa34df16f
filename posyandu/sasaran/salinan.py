"""The data subject's copy (UU 27/2022 PDP, right of access): one PDF with everything the
platform holds about one person: identity, consents, every record of every app that points at
the person (found through the foreign keys, so a new app is included without a list kept by
hand) and the history of changes (who corrected what, when; never the old values)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.models import Sasaran

SKIPPED_FIELDS = {"id", "public_id", "sasaran", "deleted_at", "dibatalkan_oleh", "version"}
MAX_ROWS_PER_KIND = 500


def _latin(text: Any) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal | float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _fields(obj: models.Model) -> list[tuple[str, str]]:
    out = []
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name.endswith("_oleh"):
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, field.name, None)
            value: Any = related if related is None else str(related)
        elif field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        else:
            value = getattr(obj, field.attname)
        out.append((str(field.verbose_name), _value(value)))
    return out


def related_records(person: Sasaran) -> list[tuple[str, list[models.Model]]]:
    """Every kind of record pointing at the person (live rows), by model."""
    found = []
    for rel in Sasaran._meta.related_objects:
        if not rel.one_to_many or rel.field.name in ("digabung_ke", "ibu"):
            continue
        model = rel.field.model
        rows = list(
            model._default_manager.filter(**{rel.field.name: person}).order_by("pk")[
                :MAX_ROWS_PER_KIND
            ]
        )
        if rows:
            found.append((str(model._meta.verbose_name_plural), rows))
    return found


def changes(person: Sasaran) -> list[AuditEvent]:
    """The history of the person's record: created, corrected, moved, merged, voided."""
    kinds = ("create", "update", "correct", "void", "merge", "transfer", "data_request")
    return list(
        AuditEvent.objects.filter(object_id=str(person.public_id), action__in=kinds).order_by("at")
    )


class _Copy(FPDF):
    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 11)
        self.multi_cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def text_line(self, text: str) -> None:
        self.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")


def copy_pdf(person: Sasaran, *, platform: str) -> bytes:
    pdf = _Copy(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.text_line(_("Copy of the personal data of %(name)s") % {"name": person.nama})
    pdf.set_font("Helvetica", size=9)
    pdf.text_line(
        _("%(platform)s, made on %(when)s. Every record the platform holds about this person.")
        % {"platform": platform, "when": _value(timezone.now())}
    )
    pdf.heading(_("Identity"))
    for label, value in _fields(person):
        pdf.text_line(f"{label}: {value}")
    for title, rows in related_records(person):
        pdf.heading(f"{title} ({len(rows)})")
        for row in rows:
            pdf.text_line(" · ".join(f"{label}: {value}" for label, value in _fields(row)))
            pdf.ln(1)
    pdf.heading(_("History of the record"))
    for event in changes(person):
        fields = ", ".join(event.metadata.get("fields", [])) if event.metadata else ""
        pdf.text_line(
            f"{_value(event.at)} · {event.get_action_display()} · "
            f"{event.actor_username or '-'}" + (f" · {fields}" if fields else "")
        )
    return bytes(pdf.output())
