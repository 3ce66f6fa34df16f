"""Optimistic locking: an edit is saved only over the version it was made from.

Every Record carries `version` (Record.save adds one). An edit form or API update sends the
version it read; `save_if_current` saves with `UPDATE ... WHERE version = n` semantics, so
two users editing the same record at once never silently overwrite each other: the second
save raises StaleRecord with the stored record, and the screen shows both values."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class StaleRecord(Exception):
    """The record changed since the editor read it (`current` is the stored one)."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale record")
        self.current = current


def version_of(raw: object) -> int | None:
    """The version an edit form or request carried ('3' -> 3); None when absent or garbage."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if value >= 1 else None


@transaction.atomic
def save_if_current(record: Any, expected_version: int | None) -> None:
    """Save `record` (already changed in memory) if the stored row still has
    `expected_version`. The no-op UPDATE ... WHERE version = n takes the row's write lock, so
    of two saves from the same version exactly one passes; the other raises StaleRecord.
    `expected_version` None (a client that sends none) saves as before."""
    if expected_version is not None:
        model = type(record)
        manager = getattr(model, "all_objects", model._default_manager)
        matched = manager.filter(pk=record.pk, version=expected_version).update(
            version=models.F("version")
        )
        if not matched:
            raise StaleRecord(manager.get(pk=record.pk))
        record.version = expected_version
    record.save()


@dataclass(frozen=True)
class Difference:
    """One field both users touched differently: the stored value and the editor's."""

    name: str
    label: str
    theirs: Any
    yours: Any


def differences(current: Any, yours: dict[str, Any]) -> list[Difference]:
    """The fields where the editor's values differ from the stored record's."""
    found = []
    for name, value in yours.items():
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:  # a form field that is not a model field
            continue
        stored = getattr(current, name)
        if stored != value and not (stored in (None, "") and value in (None, "")):
            found.append(Difference(name, str(field.verbose_name), stored, value))
    return found


def conflict_page(
    request: HttpRequest, current: Any, yours: dict[str, Any], *, back: str, again: str = ""
) -> HttpResponse:
    """409: the edit form's values against the stored record's, with a choice: keep the
    stored values (back to `back`), send the form again over the stored version, or (with
    `again`, the edit form's address) start the edit again from the stored values."""
    context = {
        "record": current,
        "differences": differences(current, yours),
        "resubmit": [
            (k, v)
            for k, v in request.POST.lists()
            if k not in ("version", "csrfmiddlewaretoken", "idempotency_key")
        ],
        "version": current.version,
        "action": request.get_full_path(),
        "back": back,
        "again": again,
    }
    response = render(request, "core/conflict.html", context, status=409)
    if request.headers.get("HX-Request"):
        # htmx swaps no 4xx answer: show the page in place of the whole body instead.
        response.status_code = 200
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML"
    return response
