"""Identifier and code systems fixed by SATUSEHAT (interop: FHIR R4 implementation guide)."""

PROFILE = "https://fhir.kemkes.go.id/r4/StructureDefinition/{}"
NIK = "https://fhir.kemkes.go.id/id/nik"
NIK_IBU = "https://fhir.kemkes.go.id/id/nik-ibu"
IHS = "https://fhir.kemkes.go.id/id/ihs-number"
ADMINISTRATIVE_CODE = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"
KFA = "http://sys-ids.kemkes.go.id/kfa"
CVX = "http://hl7.org/fhir/sid/cvx"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UCUM = "http://unitsofmeasure.org"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
LOCATION_PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"


def local_system(kind: str, org_id: str) -> str:
    """Local ids scoped to an organization: http://sys-ids.kemkes.go.id/{kind}/{orgIHS}."""
    return f"http://sys-ids.kemkes.go.id/{kind}/{org_id}"
