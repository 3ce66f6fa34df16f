"""Reads of screening results for many people at once (follow-up tasks, coverage reports).

All take a queryset of Sasaran the caller already restricted (accounts.scope.restrict), so
they add no scope of their own; each runs one query.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from posyandu.sasaran.models import Sasaran
from posyandu.skrining import engine
from posyandu.skrining.models import HasilSkrining


def latest_results(
    sasaran: QuerySet[Sasaran] | Iterable[int],
    definitions: Iterable[str] | None = None,
    on: date | None = None,
) -> dict[int, dict[str, HasilSkrining]]:
    """{sasaran_id: {definition id: latest result on or before `on`}} in one query."""
    rows = HasilSkrining.objects.filter(sasaran_id__in=_ids(sasaran))
    if definitions is not None:
        rows = rows.filter(definisi__in=list(definitions))
    if on is not None:
        rows = rows.filter(tanggal__lte=on)
    found: dict[int, dict[str, HasilSkrining]] = {}
    for row in rows.order_by("sasaran_id", "definisi", "-tanggal", "-id"):
        found.setdefault(row.sasaran_id, {}).setdefault(row.definisi, row)
    return found


def with_tag(
    sasaran: QuerySet[Sasaran] | Iterable[int], tag: str, on: date | None = None
) -> dict[int, HasilSkrining]:
    """People whose latest result of some screening carries `tag` (e.g. "hipertensi": the
    latest blood pressure >= 140/90; "diabetes"; "ketergantungan"; "terduga_tbc")."""
    return tagged(latest_results(sasaran, definitions_with_tag(tag), on), tag)


def definitions_with_tag(tag: str) -> list[str]:
    """The screenings one of whose categories carries `tag`."""
    return [d["id"] for d in engine.all_definitions().values() if _has_tag(d, tag)]


def tagged(latest: dict[int, dict[str, HasilSkrining]], tag: str) -> dict[int, HasilSkrining]:
    """`with_tag` of results already read by `latest_results` (of these and maybe other
    screenings: a caller needing several reads them in one query)."""
    defs = set(definitions_with_tag(tag))
    out: dict[int, HasilSkrining] = {}
    for sid, by_def in latest.items():
        for row in by_def.values():
            if row.definisi in defs and tag in row.tags:
                out[sid] = row
                break
    return out


def hypertension(sasaran: QuerySet[Sasaran] | Iterable[int], on: date | None = None) -> set[int]:
    """Latest blood pressure in a hypertensive category (>= 140 systolic or >= 90 diastolic,
    adults; >= 130/80 adolescents)."""
    return set(with_tag(sasaran, "hipertensi", on))


def diabetes(sasaran: QuerySet[Sasaran] | Iterable[int], on: date | None = None) -> set[int]:
    """Latest glucose test in the diabetes range (GDS >= 200 or GDP >= 126 mg/dL)."""
    return set(with_tag(sasaran, "diabetes", on))


def lansia_dependency(
    sasaran: QuerySet[Sasaran] | Iterable[int], on: date | None = None
) -> dict[int, str]:
    """{sasaran_id: latest ADL (Barthel) category}: mandiri, ringan, sedang, berat, total."""
    latest = latest_results(sasaran, ["adl_barthel"], on)
    return {sid: by_def["adl_barthel"].kategori for sid, by_def in latest.items()}


def pending_referrals(sasaran: QuerySet[Sasaran] | Iterable[int]) -> QuerySet[HasilSkrining]:
    """Results that suggest a referral nobody has confirmed yet."""
    return HasilSkrining.objects.filter(
        sasaran_id__in=_ids(sasaran), perlu_rujuk=True, rujukan__isnull=True
    )


def _ids(sasaran: QuerySet[Sasaran] | Iterable[int]) -> QuerySet | list[int]:
    if isinstance(sasaran, QuerySet):
        return sasaran.values("id")
    return list(sasaran)


def _has_tag(definition: dict, tag: str) -> bool:
    return any(tag in c.get("tags", []) for c in definition["categories"])
