"""The transaction Bundle of one encounter: entries refer to each other by `urn:uuid:`.

A resource SATUSEHAT already holds (its id is known from an earlier send) is updated with
PUT {type}/{id}; a new one is created with POST {type}. The urn:uuid of an entry is derived
from its type and local identifier, so the same record always gets the same fullUrl.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from posyandu.satusehat.fhir.condition import condition
from posyandu.satusehat.fhir.encounter import encounter
from posyandu.satusehat.fhir.immunization import immunization
from posyandu.satusehat.fhir.inputs import Context, Isi
from posyandu.satusehat.fhir.observation import observations
from posyandu.satusehat.fhir.patient import patient, reference
from posyandu.satusehat.fhir.service_request import service_requests

NAMESPACE = uuid.UUID("6f1c3f0e-5a52-4b8e-9d0c-5a7e5a7e0001")
# (resource type, local identifier) -> id SATUSEHAT gave it
RemoteIds = Mapping[tuple[str, str], str]


def full_url(resource_type: str, lokal: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{resource_type}/{lokal}')}"


def _entry(resource: dict[str, Any], lokal: str, remote: RemoteIds) -> dict[str, Any]:
    kind = resource["resourceType"]
    known = remote.get((kind, lokal))
    if known:
        rest = {k: v for k, v in resource.items() if k != "resourceType"}
        resource = {"resourceType": kind, "id": known, **rest}
        request = {"method": "PUT", "url": f"{kind}/{known}"}
    else:
        request = {"method": "POST", "url": kind}
    return {"fullUrl": full_url(kind, lokal), "resource": resource, "request": request}


def transaction(isi: Isi, ctx: Context, remote: RemoteIds | None = None) -> dict[str, Any]:
    """The Bundle of `isi`. Without the person's IHS number the Patient is an entry of the
    bundle (created or matched by the platform); with it, Patient/{IHS} is referenced."""
    return transaction_with_keys(isi, ctx, remote)[0]


def transaction_with_keys(
    isi: Isi, ctx: Context, remote: RemoteIds | None = None
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The Bundle and the (resource type, local identifier) of each entry, in entry order."""
    remote = remote or {}
    entries: list[dict[str, Any]] = []
    keys: list[tuple[str, str]] = []

    def entry(resource: dict[str, Any], lokal: str, remote: RemoteIds) -> dict[str, Any]:
        keys.append((resource["resourceType"], lokal))
        return _entry(resource, lokal, remote)

    p = isi.pasien
    if not p.ihs:
        entries.append(entry(patient(p), p.lokal, remote))
    subject = reference(p, full_url("Patient", p.lokal))
    enc_ref: dict[str, str] | None = None
    if isi.kunjungan is not None:
        k = isi.kunjungan
        entries.append(entry(encounter(k, ctx, subject), k.lokal, remote))
        enc_ref = {"reference": full_url("Encounter", k.lokal)}
    for u in isi.ukur:
        assert enc_ref is not None, "measurements belong to an encounter"
        for lokal, resource in observations(u, ctx, subject, enc_ref):
            entries.append(entry(resource, lokal, remote))
    for v in isi.vaksinasi:
        entries.append(entry(immunization(v, ctx, subject, enc_ref), v.lokal, remote))
    for r in isi.rujukan:
        assert enc_ref is not None, "referrals belong to an encounter"
        for lokal, resource in service_requests(r, ctx, subject, enc_ref):
            entries.append(entry(resource, lokal, remote))
    for d in isi.diagnosis:
        assert enc_ref is not None, "diagnoses belong to an encounter"
        entries.append(entry(condition(d, ctx, subject, enc_ref), d.lokal, remote))
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}, keys
