"""Condition: a diagnosis made at the Puskesmas (ICD-10), as an encounter diagnosis."""

from typing import Any

from posyandu.satusehat.fhir.inputs import Context, Diagnosis, utc
from posyandu.satusehat.fhir.systems import (
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    ICD10,
    PROFILE,
    local_system,
)


def condition(
    d: Diagnosis, ctx: Context, subject: dict[str, str], encounter: dict[str, str]
) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "meta": {"profile": [PROFILE.format("Condition")]},
        "identifier": [{"system": local_system("condition", ctx.org_id), "value": d.lokal}],
        "clinicalStatus": {
            "coding": [{"system": CONDITION_CLINICAL, "code": "active", "display": "Active"}]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": CONDITION_CATEGORY,
                        "code": "encounter-diagnosis",
                        "display": "Encounter Diagnosis",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": ICD10, "code": d.icd10, "display": d.nama}]},
        "subject": subject,
        "encounter": encounter,
        "onsetDateTime": utc(d.onset),
        "recordedDate": utc(d.dicatat),
    }
