"""Organization: Puskesmas, Pustu, Posyandu and Posyandu Prima, with the partOf hierarchy."""

from typing import Any

from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.address import address
from posyandu.satusehat.fhir.inputs import Organisasi
from posyandu.satusehat.fhir.systems import PROFILE, local_system


def organization(org: Organisasi) -> dict[str, Any]:
    types = terminology.terms().data["tipe_organisasi"]
    result: dict[str, Any] = {"resourceType": "Organization"}
    if org.org_id:
        result["id"] = org.org_id
    result |= {
        "meta": {"profile": [PROFILE.format("Organization")]},
        "identifier": [
            {
                "use": "official",
                "system": local_system("organization", org.identifier_org_id),
                "value": org.kode or org.key,
            }
        ],
        "active": True,
        "type": [{"coding": [terminology.coding(types[org.jenis], types["system"])]}],
        "name": org.nama,
    }
    if org.alamat is not None:
        result["address"] = [address(org.alamat, use="work")]
    if org.induk_org_id:
        result["partOf"] = {"reference": f"Organization/{org.induk_org_id}"}
    return result
