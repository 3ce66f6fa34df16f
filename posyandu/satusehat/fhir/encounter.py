"""Encounter: a person's Posyandu day (class FLD), home visit (HH) or Puskesmas visit (AMB)."""

from typing import Any

from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.inputs import Context, Kunjungan, utc
from posyandu.satusehat.fhir.systems import PARTICIPATION_TYPE, PROFILE, local_system


def encounter(k: Kunjungan, ctx: Context, subject: dict[str, str]) -> dict[str, Any]:
    if not k.mulai < k.dilayani <= k.selesai:
        raise ValueError("an encounter ends after it starts")  # validation rule 10121
    classes = terminology.terms().data["kelas_encounter"]
    participant: dict[str, Any] = {
        "type": [
            {"coding": [{"system": PARTICIPATION_TYPE, "code": "ATND", "display": "attender"}]}
        ],
        "individual": {"display": k.praktisi_nama or "Kader Posyandu"},
    }
    if k.praktisi_ihs:
        participant["individual"]["reference"] = f"Practitioner/{k.praktisi_ihs}"
    start, served, end = utc(k.mulai), utc(k.dilayani), utc(k.selesai)
    return {
        "resourceType": "Encounter",
        "meta": {"profile": [PROFILE.format("Encounter")]},
        "identifier": [{"system": local_system("encounter", ctx.org_id), "value": k.lokal}],
        "status": "finished",
        "class": {"system": classes["system"], **classes[k.kelas]},
        "subject": subject,
        "participant": [participant],
        "period": {"start": start, "end": end},
        "location": [
            {"location": {"reference": f"Location/{k.location_id}", "display": k.lokasi_nama}}
        ],
        "statusHistory": [
            {"status": "arrived", "period": {"start": start, "end": served}},
            {"status": "in-progress", "period": {"start": served, "end": end}},
            {"status": "finished", "period": {"start": end, "end": end}},
        ],
        "serviceProvider": {"reference": f"Organization/{ctx.org_id}"},
    }
