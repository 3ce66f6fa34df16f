"""Observation: anthropometry and blood pressure of one Pengukuran, with UCUM units and the
clinical-term interpretation of the weight- and length/height-for-age z-scores."""

from decimal import Decimal
from typing import Any

from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.inputs import Context, Ukur, utc
from posyandu.satusehat.fhir.systems import PROFILE, UCUM, local_system

# Without a recorded position: lying below 24 months, standing from then (WHO convention).
LYING_BELOW_DAYS = 731
# (interpretation index, z-score, WHO flag): a flagged z-score gets no interpretation.
ZScore = tuple[str, float | None, bool | None]
NO_Z: ZScore = ("", None, None)


def length_or_height(u: Ukur) -> str:
    """`panjang` (lying, LOINC 8306-3) or `tinggi` (standing, 8302-2): the position used."""
    if u.cara_ukur == "terlentang":
        return "panjang"
    if u.cara_ukur == "berdiri":
        return "tinggi"
    return "panjang" if u.umur_hari is not None and u.umur_hari < LYING_BELOW_DAYS else "tinggi"


def _quantity(value: Decimal | int, spec: dict[str, Any]) -> dict[str, Any]:
    number = float(value) if isinstance(value, Decimal) else value
    return {"value": number, "unit": spec["unit"], "system": UCUM, "code": spec["ucum"]}


def _base(
    u: Ukur, name: str, spec: dict[str, Any], ctx: Context, subject: dict, encounter: dict
) -> dict[str, Any]:
    categories = terminology.terms().data["kategori_observasi"]
    return {
        "resourceType": "Observation",
        "meta": {"profile": [PROFILE.format("Observation")]},
        "identifier": [
            {"system": local_system("observation", ctx.org_id), "value": f"{u.lokal}.{name}"}
        ],
        "status": "entered-in-error" if u.dibatalkan else "final",
        "category": [{"coding": [terminology.coding(categories[spec["category"]])]}],
        "code": {"coding": [terminology.coding(spec)]},
        "subject": subject,
        "encounter": encounter,
        "effectiveDateTime": utc(u.waktu),
        "issued": utc(u.waktu),
    }


def observations(
    u: Ukur, ctx: Context, subject: dict[str, str], encounter: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """(local key, Observation) for each value measured, in a fixed order."""
    found: list[tuple[str, dict[str, Any]]] = []

    def add(
        name: str, value: Decimal | int | None, z: tuple[str, float | None, Any] = ("", None, None)
    ) -> None:
        if value is None:
            return
        spec = terminology.measure(name)
        resource = _base(u, name, spec, ctx, subject, encounter)
        resource["valueQuantity"] = _quantity(value, spec)
        index, score, flagged = z
        if index and score is not None and not flagged:
            code = terminology.band(index, score, ctx.unverified)
            if code is not None:
                resource["interpretation"] = [{"coding": [code], "text": f"{score:.2f} SD"}]
        found.append((f"{u.lokal}.{name}", resource))

    add("berat", u.berat_kg, ("bb_u", u.zwei, u.fwei))
    add(length_or_height(u), u.tinggi_cm, ("tb_u", u.zlen, u.flen))
    add("lingkar_kepala", u.lingkar_kepala_cm)
    add("lila", u.lila_cm)
    add("lingkar_perut", u.lingkar_perut_cm)
    if u.sistole is not None and u.diastole is not None:
        spec = terminology.measure("tekanan_darah")
        resource = _base(u, "tekanan_darah", spec, ctx, subject, encounter)
        resource["component"] = [
            {
                "code": {"coding": [terminology.coding(part)]},
                "valueQuantity": _quantity(value, part),
            }
            for part, value in (
                (spec["components"]["sistole"], u.sistole),
                (spec["components"]["diastole"], u.diastole),
            )
        ]
        found.append((f"{u.lokal}.tekanan_darah", resource))
    return found
