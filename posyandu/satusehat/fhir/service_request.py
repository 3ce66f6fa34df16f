"""ServiceRequest: a referral (SNOMED 3457005) to the Puskesmas/Pustu and its answer."""

from typing import Any

from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.inputs import Context, Rujuk, utc
from posyandu.satusehat.fhir.systems import PROFILE, local_system

STATUS = {"dikirim": "active", "diterima": "active", "selesai": "completed", "batal": "revoked"}
OUTCOME = {
    "ditangani": "Datang dan ditangani di Puskesmas",
    "tidak_datang": "Tidak datang",
    "dirujuk_lanjut": "Dirujuk lanjut ke rumah sakit",
    "rujuk_balik": "Rujuk balik ke kader dengan saran",
}


def service_requests(
    r: Rujuk, ctx: Context, subject: dict[str, str], encounter: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """The referral, and for a rujuk balik the back-referral based on it."""
    spec = terminology.terms().data["rujukan"]
    system = local_system("servicerequest", ctx.org_id)
    status = "entered-in-error" if r.dibatalkan else STATUS.get(r.status, "active")
    if r.hasil and status == "active":
        status = "completed"
    referral: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "meta": {"profile": [PROFILE.format("ServiceRequest")]},
        "identifier": [{"system": system, "value": r.lokal}],
        "status": status,
        "intent": "original-order",
        "priority": "routine",
        "code": {"coding": [terminology.coding(spec["code"])], "text": r.alasan[:250]},
        "subject": subject,
        "encounter": encounter,
        "occurrenceDateTime": utc(r.waktu),
        "authoredOn": utc(r.waktu),
        "requester": {"reference": f"Organization/{ctx.org_id}"},
        "performer": [{"display": r.tujuan_nama}],
        "reasonCode": [{"text": r.alasan}],
    }
    if r.hasil:
        note = OUTCOME.get(r.hasil, r.hasil)
        if r.umpan_balik:
            note = f"{note}. {r.umpan_balik}"
        referral["note"] = [{"text": note}]
    found = [(r.lokal, referral)]
    back = spec["rujuk_balik"]
    if r.hasil == "rujuk_balik" and not r.dibatalkan:
        when = r.waktu_umpan_balik or r.waktu
        answer: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "meta": {"profile": [PROFILE.format("ServiceRequest")]},
            "identifier": [{"system": system, "value": f"{r.lokal}.balik"}],
            "status": "active",
            "intent": "original-order",
            "code": {"coding": [terminology.coding(spec["code"])], "text": "Rujuk balik"},
            "subject": subject,
            "encounter": encounter,
            "occurrenceDateTime": utc(when),
            "authoredOn": utc(when),
            "requester": {"reference": f"Organization/{ctx.org_id}", "display": r.tujuan_nama},
            "patientInstruction": r.saran_kader or r.umpan_balik or "Rujuk balik",
        }
        if terminology.usable(back, ctx.unverified):
            answer["category"] = [{"coding": [terminology.coding(back)]}]
        found.append((f"{r.lokal}.balik", answer))
    return found
