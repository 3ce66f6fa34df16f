"""The Indonesian address with the administrativeCode extension (codes without dots)."""

from typing import Any

from posyandu.satusehat.fhir.inputs import Alamat
from posyandu.satusehat.fhir.systems import ADMINISTRATIVE_CODE


def administrative_codes(desa_kode: str) -> dict[str, str]:
    """14.71.01.1001 -> province 14, city 1471, district 147101, village 1471011001."""
    parts = desa_kode.split(".")
    names = ("province", "city", "district", "village")
    return {name: "".join(parts[: i + 1]) for i, name in enumerate(names[: len(parts)])}


def address(alamat: Alamat, use: str = "home") -> dict[str, Any]:
    codes = administrative_codes(alamat.desa_kode)
    extension = [{"url": k, "valueCode": v} for k, v in codes.items()]
    extension += [
        {"url": k, "valueCode": v} for k, v in (("rt", alamat.rt), ("rw", alamat.rw)) if v
    ]
    result: dict[str, Any] = {"use": use}
    if alamat.baris:
        result["line"] = [alamat.baris]
    if alamat.kota:
        result["city"] = alamat.kota
    result["country"] = "ID"
    result["extension"] = [{"url": ADMINISTRATIVE_CODE, "extension": extension}]
    return result
