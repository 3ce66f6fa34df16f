"""Immunization: vaccine code per antigen (rules/vaksin.json), dose number, reason and
timing, performer, and primarySource false with reportOrigin for a dose copied from the
Buku KIA."""

from typing import Any

from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.inputs import Context, Vaksinasi, utc
from posyandu.satusehat.fhir.patient import Unmappable
from posyandu.satusehat.fhir.systems import CVX, KFA, PROFILE, local_system


def vaccine_code(dose_code: str, unverified: bool) -> dict[str, Any]:
    data = terminology.vaccines().data
    dose = data["dosis"].get(dose_code)
    if dose is None:
        raise Unmappable(f"Kode vaksin untuk dosis {dose_code} belum ada di peta vaksin.")
    antigen = data["antigen"][dose["antigen"]]
    codings = [terminology.coding(antigen["cvx"], CVX)]
    if terminology.usable(antigen["kfa"], unverified):
        codings.insert(0, terminology.coding(antigen["kfa"], KFA))
    return {"coding": codings, "text": dose_code}


def reason(dose_code: str) -> str:
    return str(terminology.vaccines().data["dosis"][dose_code]["alasan"])


def immunization(
    v: Vaksinasi, ctx: Context, patient: dict[str, str], encounter: dict[str, str] | None
) -> dict[str, Any]:
    spec = terminology.terms().data["imunisasi"]
    code = vaccine_code(v.dosis_kode, ctx.unverified)  # unknown dose code: Unmappable
    why = reason(v.dosis_kode)
    reasons = [
        {"coding": [{"system": spec["alasan_system"], "code": why, "display": spec["alasan"][why]}]}
    ]
    if v.waktu_kode:
        reasons.append(
            {
                "coding": [
                    {
                        "system": spec["waktu_system"],
                        "code": v.waktu_kode,
                        "display": spec["waktu"][v.waktu_kode],
                    }
                ]
            }
        )
    result: dict[str, Any] = {
        "resourceType": "Immunization",
        "meta": {"profile": [PROFILE.format("Immunization")]},
        "identifier": [{"system": local_system("immunization", ctx.org_id), "value": v.lokal}],
        "status": "entered-in-error" if v.dibatalkan else "completed",
        "vaccineCode": code,
        "patient": patient,
    }
    if encounter is not None:
        result["encounter"] = encounter
    result["occurrenceDateTime"] = utc(v.waktu)
    result["recorded"] = utc(v.waktu)
    result["primarySource"] = v.sumber_primer
    if not v.sumber_primer:
        result["reportOrigin"] = {"coding": [terminology.coding(spec["asal_laporan"])]}
    if v.location_id:
        result["location"] = {"reference": f"Location/{v.location_id}", "display": v.lokasi_nama}
    if v.batch:
        result["lotNumber"] = v.batch
    if v.sumber_primer:
        result["performer"] = [
            {
                "function": {"coding": [terminology.coding(spec["fungsi_pelaksana"])]},
                "actor": {"reference": f"Organization/{ctx.org_id}"},
            }
        ]
    result["reasonCode"] = reasons
    result["protocolApplied"] = [{"doseNumberPositiveInt": v.dosis_ke}]
    return result
