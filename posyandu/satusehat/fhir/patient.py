"""Patient: NIK (or the mother's NIK with multipleBirthInteger for a baby without one)."""

from typing import Any

from posyandu.satusehat.fhir.address import address
from posyandu.satusehat.fhir.inputs import Pasien
from posyandu.satusehat.fhir.systems import NIK, NIK_IBU, PROFILE

GENDER = {"L": "male", "P": "female"}


class Unmappable(ValueError):
    """A record that cannot become a valid resource; the message says why, in Indonesian."""


def identifier(pasien: Pasien) -> tuple[str, str]:
    """(system, value) the person is known by in the national MPI."""
    if pasien.nik:
        return NIK, pasien.nik
    if pasien.nik_ibu:
        return NIK_IBU, pasien.nik_ibu
    raise Unmappable("Tidak ada NIK dan tidak ada NIK ibu.")


def patient(pasien: Pasien) -> dict[str, Any]:
    system, value = identifier(pasien)
    result: dict[str, Any] = {
        "resourceType": "Patient",
        "meta": {"profile": [PROFILE.format("Patient")]},
        "identifier": [{"use": "official", "system": system, "value": value}],
        "active": True,
        "name": [{"use": "official", "text": pasien.nama}],
        "gender": GENDER[pasien.jenis_kelamin],
        "birthDate": pasien.tanggal_lahir.isoformat(),
    }
    if pasien.meninggal:
        result["deceasedBoolean"] = True
    if pasien.telepon:
        result["telecom"] = [{"system": "phone", "value": pasien.telepon, "use": "mobile"}]
    if pasien.alamat is not None:
        result["address"] = [address(pasien.alamat)]
    result["multipleBirthInteger"] = pasien.kelahiran_ke
    return result


def reference(pasien: Pasien, in_bundle: str) -> dict[str, str]:
    """Patient/{IHS} once the number is known, else the bundle's own Patient entry."""
    ref = f"Patient/{pasien.ihs}" if pasien.ihs else in_bundle
    return {"reference": ref, "display": pasien.nama}
