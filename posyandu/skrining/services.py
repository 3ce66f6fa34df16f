"""Writes for screenings: record a result (computed by the definition) and confirm a referral."""

from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction

from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.services import referral_create
from posyandu.sasaran.models import Sasaran
from posyandu.skrining import engine
from posyandu.skrining.context import person_context
from posyandu.skrining.models import HasilSkrining


class ScreeningInputError(ValueError):
    def __init__(self, errors: list[engine.InputError]) -> None:
        super().__init__(", ".join(f"{e.key}: {e.code}" for e in errors))
        self.errors = errors


def category_of(definition: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in definition["categories"] if c["code"] == code)


def result_fields(
    definition: dict[str, Any], answers: dict[str, Any], result: engine.Result
) -> dict[str, Any]:
    """How a screening result is stored: the HasilSkrining fields it fills (the service
    below and the demo's bulk writer alike)."""
    return {
        "definisi": result.definition_id,
        "definisi_versi": result.version,
        "jawaban": answers,
        "nilai": result.values,
        "kategori": result.category,
        "tingkat": result.level,
        "tags": category_of(definition, result.category).get("tags", []),
        "perlu_rujuk": result.refer,
        "alasan": result.reasons,
        "peringatan": result.warnings,
    }


@transaction.atomic
def screening_record(
    *,
    sasaran: Sasaran,
    definition_id: str,
    raw: dict[str, Any],
    by: Any,
    tanggal: date,
    version: str | None = None,
    kunjungan: Any = None,
    context: dict[str, Any] | None = None,
    public_id: UUID | None = None,
) -> HasilSkrining:
    """Validate the answers, interpret them and store the result with the definition version.

    Raises ScreeningInputError (nothing stored) when an answer is missing or impossible.
    """
    definition = engine.definition(definition_id, version)
    answers, errors = engine.validate(definition, raw)
    if errors:
        raise ScreeningInputError(errors)
    result = engine.interpret(definition, answers, context or person_context(sasaran, tanggal))
    return HasilSkrining.objects.create(
        **({"public_id": public_id} if public_id else {}),  # an offline client's id
        sasaran=sasaran,
        tanggal=tanggal,
        kunjungan=kunjungan,
        dicatat_oleh=by if getattr(by, "is_authenticated", False) else None,
        **result_fields(definition, answers, result),
    )


@transaction.atomic
def screening_refer(*, hasil: HasilSkrining, by: Any, tanggal: date | None = None) -> Rujukan:
    """The kader confirms the referral the result suggests; done once per result."""
    if hasil.rujukan is not None:
        return hasil.rujukan
    definition = engine.definition(hasil.definisi, hasil.definisi_versi)
    category = category_of(definition, hasil.kategori)
    reason = f"{definition['title']['id']}: {category['label']['id']}"
    if hasil.alasan:
        reason += f" ({'; '.join(hasil.alasan)})"
    rujukan = referral_create(
        sasaran=hasil.sasaran,
        alasan=reason,
        by=by,
        tanggal=tanggal or hasil.tanggal,
        aturan=[f"{hasil.definisi}:{hasil.kategori}"],
    )
    hasil.rujukan = rujukan
    hasil.save(update_fields=["rujukan"])
    return rujukan
