"""Location: the site where a Posyandu meets, managed by the Posyandu's organization."""

from typing import Any

from posyandu.satusehat.fhir.address import address
from posyandu.satusehat.fhir.inputs import Lokasi
from posyandu.satusehat.fhir.systems import LOCATION_PHYSICAL_TYPE, PROFILE, local_system


def location(lokasi: Lokasi) -> dict[str, Any]:
    result: dict[str, Any] = {"resourceType": "Location"}
    if lokasi.location_id:
        result["id"] = lokasi.location_id
    result |= {
        "meta": {"profile": [PROFILE.format("Location")]},
        "identifier": [
            {
                "system": local_system("location", lokasi.identifier_org_id),
                "value": lokasi.kode or lokasi.key,
            }
        ],
        "status": "active",
        "name": lokasi.nama,
        "mode": "instance",
        "physicalType": {
            "coding": [{"system": LOCATION_PHYSICAL_TYPE, "code": "si", "display": "Site"}]
        },
        "managingOrganization": {"reference": f"Organization/{lokasi.org_id}"},
    }
    if lokasi.keterangan:
        result["description"] = lokasi.keterangan
    if lokasi.alamat is not None:
        result["address"] = address(lokasi.alamat, use="work")
    return result
