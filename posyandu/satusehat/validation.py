"""Checks before anything is written or sent: FHIR structure and types with `fhir.resources`
(R4B models, close to R4 for these resources), then what SATUSEHAT requires on top: the
required elements of its profiles, the fixed identifier and code systems, UTC dateTimes,
administrative codes without dots. Messages are in Indonesian (shown on the outbox page)."""

import re
from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from posyandu.satusehat.fhir import systems

# Elements with min >= 1 in the SATUSEHAT StructureDefinitions (plus what the MPI needs).
REQUIRED = {
    "Patient": ("identifier", "name", "multipleBirthInteger", "birthDate", "gender"),
    "Encounter": (
        "identifier", "status", "statusHistory", "class", "subject", "participant", "period",
        "location", "serviceProvider",
    ),
    "Observation": ("status", "code", "subject", "encounter", "category", "effectiveDateTime"),
    "Immunization": ("status", "vaccineCode", "patient", "occurrenceDateTime", "primarySource"),
    "Condition": ("code", "subject", "encounter", "clinicalStatus", "category"),
    "ServiceRequest": ("status", "intent", "code", "subject", "encounter"),
    "Organization": ("active", "type", "name", "identifier"),
    "Location": ("status", "name", "mode", "managingOrganization", "identifier"),
}  # fmt: skip
CLASS_CODES = {"AMB", "EMER", "FLD", "HH", "IMP", "VR"}
PATIENT_SYSTEMS = {systems.NIK, systems.NIK_IBU, systems.IHS}
VACCINE_SYSTEMS = {systems.KFA, systems.CVX}
LOCAL_ID = re.compile(r"^http://sys-ids\.kemkes\.go\.id/([a-z]+)/[^/]+$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ADMIN_LENGTHS = {"province": 2, "city": 4, "district": 6, "village": 10}
LOCAL_KIND = {
    "Encounter": "encounter",
    "Observation": "observation",
    "Immunization": "immunization",
    "ServiceRequest": "servicerequest",
    "Condition": "condition",
    "Organization": "organization",
    "Location": "location",
}


def _structure(resource: dict[str, Any]) -> list[str]:
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except (ValidationError, KeyError, ValueError) as exc:
        text = str(exc).splitlines()
        return [f"Struktur FHIR tidak valid: {' '.join(text[:3])}"]
    return []


def _datetimes(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _datetimes(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _datetimes(v, f"{path}[{i}]")
    elif isinstance(value, str) and DATETIME.match(value) and not value.endswith("+00:00"):
        yield f"{path}: waktu harus dalam UTC (+00:00), bukan {value}"


def _address_codes(resource: dict[str, Any]) -> Iterator[str]:
    addresses = resource.get("address") or []
    for a in addresses if isinstance(addresses, list) else [addresses]:
        for ext in a.get("extension", []):
            if ext.get("url") != systems.ADMINISTRATIVE_CODE:
                continue
            for part in ext.get("extension", []):
                length = ADMIN_LENGTHS.get(part["url"])
                code = part.get("valueCode", "")
                if length and not (code.isdigit() and len(code) == length):
                    yield f"Kode wilayah {part['url']} harus {length} angka tanpa titik: {code}"


def _codings(concept: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((concept or {}).get("coding", []))


def satusehat_rules(resource: dict[str, Any]) -> list[str]:
    """What the SATUSEHAT profiles and rules add to plain FHIR."""
    kind = resource.get("resourceType", "")
    errors = [f"{kind}: elemen wajib {name} tidak ada" for name in REQUIRED.get(kind, ()) if
              resource.get(name) in (None, "", [], {})]  # fmt: skip
    errors += list(_datetimes(resource))
    errors += list(_address_codes(resource))
    if kind in LOCAL_KIND:
        for ident in resource.get("identifier", []):
            match = LOCAL_ID.match(ident.get("system", ""))
            if not match or match[1] != LOCAL_KIND[kind] or not ident.get("value"):
                errors.append(f"{kind}: sistem identifier harus sys-ids {LOCAL_KIND[kind]}")
    if kind == "Patient":
        if not any(i.get("system") in PATIENT_SYSTEMS for i in resource.get("identifier", [])):
            errors.append("Patient: identifier harus NIK, NIK ibu atau nomor IHS")
    elif kind == "Encounter":
        cls = resource.get("class", {})
        if (
            cls.get("system") != "http://terminology.hl7.org/CodeSystem/v3-ActCode"
            or cls.get("code") not in CLASS_CODES
        ):
            errors.append("Encounter: class harus v3-ActCode AMB/EMER/FLD/HH/IMP/VR")
        period = resource.get("period", {})
        if resource.get("status") == "finished" and not (
            period.get("end") and period["end"] > period.get("start", "")
        ):
            errors.append("Encounter: period.end harus setelah period.start (aturan 10121)")
        if not str(resource.get("serviceProvider", {}).get("reference", "")).startswith(
            "Organization/"
        ):
            errors.append("Encounter: serviceProvider harus Organization/{id}")
    elif kind == "Observation":
        quantities = [resource.get("valueQuantity")] + [
            c.get("valueQuantity") for c in resource.get("component", [])
        ]
        for q in quantities:
            if q is not None and q.get("system") != systems.UCUM:
                errors.append("Observation: satuan harus UCUM")
        if resource.get("valueQuantity") is None and not resource.get("component"):
            errors.append("Observation: tidak ada nilai")
    elif kind == "Immunization":
        if not any(
            c.get("system") in VACCINE_SYSTEMS for c in _codings(resource.get("vaccineCode"))
        ):
            errors.append("Immunization: vaccineCode harus KFA atau CVX (aturan 10103)")
        if resource.get("primarySource") is False and not resource.get("reportOrigin"):
            errors.append("Immunization: reportOrigin wajib bila primarySource false")
    return errors


def validate(resource: dict[str, Any]) -> list[str]:
    """Every problem of one resource (empty: valid)."""
    return _structure(resource) + satusehat_rules(resource)


def validate_bundle(bundle: dict[str, Any]) -> list[str]:
    """Every problem of a transaction bundle and its entries, each prefixed by its entry."""
    errors = _structure(bundle)
    if bundle.get("type") != "transaction":
        errors.append("Bundle harus bertipe transaction")
    for i, e in enumerate(bundle.get("entry", [])):
        if not str(e.get("fullUrl", "")).startswith("urn:uuid:"):
            errors.append(f"entry[{i}]: fullUrl harus urn:uuid")
        for problem in satusehat_rules(e["resource"]):
            errors.append(f"entry[{i}] {problem}")
    return errors
