"""Likely duplicates of a person about to be registered (shown before saving).

Rules (our own, see rules/duplicates.json): same birth date AND (a similar name, or the same
mother: the same linked mother, the same mother's NIK or a similar mother's name).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from functools import cache
from typing import Any

from django.db.models import QuerySet

from posyandu.core.rules import load_rule


@cache
def rules() -> dict[str, Any]:
    return load_rule("sasaran", "duplicates").data


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation gone, common titles dropped, spaces single."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z ]+", " ", text)
    words = [w for w in text.split() if w not in rules()["ignored_words"]]
    return " ".join(words)


def names_similar(a: str, b: str) -> bool:
    """Similar names: ratio of the normalised names at or above the threshold, or one
    name's words all contained in the other (\"Siti\" vs \"Siti Aminah\")."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    wa, wb = set(na.split()), set(nb.split())
    if wa <= wb or wb <= wa:
        return True
    return SequenceMatcher(None, na, nb).ratio() >= rules()["name_similarity"]


@dataclass(frozen=True)
class Candidate:
    nama: str
    tanggal_lahir: date
    nama_ibu: str
    ibu_id: int | None
    nik_ibu: str

    @classmethod
    def of(cls, fields: dict[str, Any]) -> "Candidate":
        """From a person's fields as a form or a service has them (`ibu`: a Sasaran or None)."""
        ibu = fields.get("ibu")
        return cls(
            nama=fields["nama"],
            tanggal_lahir=fields["tanggal_lahir"],
            nama_ibu=fields.get("nama_ibu") or "",
            ibu_id=ibu.pk if ibu is not None else fields.get("ibu_id"),
            nik_ibu=fields.get("nik_ibu") or "",
        )


def duplicate_reason(new: Candidate, other: Any) -> str:
    """Why `other` (a Sasaran) may be the same person as `new`; "" when not."""
    if other.tanggal_lahir != new.tanggal_lahir:
        return ""
    if names_similar(new.nama, other.nama):
        return "nama_tanggal_lahir"
    same_mother = (
        (new.ibu_id is not None and new.ibu_id == other.ibu_id)
        or (bool(new.nik_ibu) and new.nik_ibu == other.nik_ibu)
        or (bool(new.nama_ibu) and names_similar(new.nama_ibu, other.nama_ibu))
    )
    return "ibu_tanggal_lahir" if same_mother else ""


def likely_duplicates(new: Candidate, candidates: QuerySet, limit: int = 10) -> list[Any]:
    """People among `candidates` (already scoped) who may be `new`, each with `.dup_reason`."""
    found = []
    qs = candidates.filter(tanggal_lahir=new.tanggal_lahir).exclude(status="digabung")
    for other in qs.select_related("posyandu").prefetch_related("ibu")[:200]:
        reason = duplicate_reason(new, other)
        if reason:
            other.dup_reason = reason
            found.append(other)
            if len(found) >= limit:
                break
    return found
