"""Mapping unit tests, one resource at a time, against JSON checked by hand against the
SATUSEHAT guide (required elements, systems, codes) and with every dateTime in UTC."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from posyandu.satusehat.fhir import inputs as fi
from posyandu.satusehat.fhir.address import administrative_codes
from posyandu.satusehat.fhir.bundle import full_url, transaction, transaction_with_keys
from posyandu.satusehat.fhir.condition import condition
from posyandu.satusehat.fhir.encounter import encounter
from posyandu.satusehat.fhir.immunization import immunization
from posyandu.satusehat.fhir.location import location
from posyandu.satusehat.fhir.observation import observations
from posyandu.satusehat.fhir.organization import organization
from posyandu.satusehat.fhir.patient import Unmappable, patient
from posyandu.satusehat.fhir.service_request import service_requests
from posyandu.satusehat.validation import validate, validate_bundle

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CTX = fi.Context(org_id="10000004")
SUBJECT = {"reference": "Patient/P02478375538", "display": "Siti"}
ENC = {"reference": "urn:uuid:enc"}
ALAMAT = fi.Alamat(desa_kode="14.71.01.1001", baris="Jl. Melati 3", rt="002", rw="005")
PROFILE = "https://fhir.kemkes.go.id/r4/StructureDefinition/"


def admin_ext(rt: str = "002", rw: str = "005") -> dict:
    return {
        "url": "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode",
        "extension": [
            {"url": "province", "valueCode": "14"},
            {"url": "city", "valueCode": "1471"},
            {"url": "district", "valueCode": "147101"},
            {"url": "village", "valueCode": "1471011001"},
            {"url": "rt", "valueCode": rt},
            {"url": "rw", "valueCode": rw},
        ],
    }


def test_administrative_codes_lose_their_dots():
    assert administrative_codes("33.24.04.2001") == {
        "province": "33", "city": "3324", "district": "332404", "village": "3324042001",
    }  # fmt: skip


def test_organization_posyandu_is_part_of_its_puskesmas():
    org = fi.Organisasi(
        key="posyandu:7", jenis="posyandu", nama="Posyandu Melati", kode="147101100101",
        org_id="", induk_org_id="10000004", identifier_org_id="10000004", alamat=ALAMAT,
    )  # fmt: skip
    assert organization(org) == {
        "resourceType": "Organization",
        "meta": {"profile": [PROFILE + "Organization"]},
        "identifier": [
            {
                "use": "official",
                "system": "http://sys-ids.kemkes.go.id/organization/10000004",
                "value": "147101100101",
            }
        ],
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.kemkes.go.id/CodeSystem/organization-type",
                        "code": "131",
                        "display": "Posyandu",
                    }
                ]
            }
        ],
        "name": "Posyandu Melati",
        "address": [
            {"use": "work", "line": ["Jl. Melati 3"], "country": "ID", "extension": [admin_ext()]}
        ],
        "partOf": {"reference": "Organization/10000004"},
    }
    prima = organization(replace(org, jenis="posyandu_prima"))
    assert prima["type"][0]["coding"][0]["code"] == "130"
    assert validate(organization(org)) == []


def test_location_of_a_posyandu():
    loc = location(
        fi.Lokasi(
            key="posyandu:7", nama="Posyandu Melati", kode="147101100101",
            location_id="b017aa54-f1df-4ec2-9d84-8823815d7228", org_id="org-posyandu",
            identifier_org_id="10000004", alamat=None, keterangan="RW 05",
        )
    )  # fmt: skip
    assert loc == {
        "resourceType": "Location",
        "id": "b017aa54-f1df-4ec2-9d84-8823815d7228",
        "meta": {"profile": [PROFILE + "Location"]},
        "identifier": [
            {"system": "http://sys-ids.kemkes.go.id/location/10000004", "value": "147101100101"}
        ],
        "status": "active",
        "name": "Posyandu Melati",
        "mode": "instance",
        "physicalType": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
                    "code": "si",
                    "display": "Site",
                }
            ]
        },
        "managingOrganization": {"reference": "Organization/org-posyandu"},
        "description": "RW 05",
    }
    assert validate(loc) == []


PASIEN = fi.Pasien(
    lokal="3f1e", nama="Siti Aminah", jenis_kelamin="P", tanggal_lahir=date(2025, 1, 15),
    nik="1471014501250001", telepon="081234567890", alamat=ALAMAT,
)  # fmt: skip


def test_patient_with_nik():
    assert patient(PASIEN) == {
        "resourceType": "Patient",
        "meta": {"profile": [PROFILE + "Patient"]},
        "identifier": [
            {
                "use": "official",
                "system": "https://fhir.kemkes.go.id/id/nik",
                "value": "1471014501250001",
            }
        ],
        "active": True,
        "name": [{"use": "official", "text": "Siti Aminah"}],
        "gender": "female",
        "birthDate": "2025-01-15",
        "telecom": [{"system": "phone", "value": "081234567890", "use": "mobile"}],
        "address": [
            {"use": "home", "line": ["Jl. Melati 3"], "country": "ID", "extension": [admin_ext()]}
        ],
        "multipleBirthInteger": 0,
    }
    assert validate(patient(PASIEN)) == []


def test_baby_without_nik_goes_by_the_mothers_nik_and_birth_order():
    twin = replace(PASIEN, nik="", nik_ibu="1471016603900002", kelahiran_ke=2, telepon="")
    resource = patient(twin)
    assert resource["identifier"] == [
        {"use": "official", "system": "https://fhir.kemkes.go.id/id/nik-ibu",
         "value": "1471016603900002"}
    ]  # fmt: skip
    assert resource["multipleBirthInteger"] == 2
    with pytest.raises(Unmappable, match="Tidak ada NIK dan tidak ada NIK ibu"):
        patient(replace(PASIEN, nik="", nik_ibu=""))


KUNJUNGAN = fi.Kunjungan(
    lokal="3f1e.20260916.FLD", kelas="posyandu",
    mulai=datetime(2026, 9, 16, 8, 0, tzinfo=WIB), dilayani=datetime(2026, 9, 16, 8, 5, tzinfo=WIB),
    selesai=datetime(2026, 9, 16, 8, 30, tzinfo=WIB), location_id="loc-1",
    lokasi_nama="Posyandu Melati", praktisi_nama="Kader Ani",
)  # fmt: skip


def test_encounter_of_a_posyandu_day_in_utc():
    assert encounter(KUNJUNGAN, CTX, SUBJECT) == {
        "resourceType": "Encounter",
        "meta": {"profile": [PROFILE + "Encounter"]},
        "identifier": [
            {
                "system": "http://sys-ids.kemkes.go.id/encounter/10000004",
                "value": "3f1e.20260916.FLD",
            }
        ],
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "FLD",
            "display": "field",
        },
        "subject": SUBJECT,
        "participant": [
            {
                "type": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "ATND",
                                "display": "attender",
                            }
                        ]
                    }
                ],
                "individual": {"display": "Kader Ani"},
            }
        ],
        # 08:00 WIB is 01:00 UTC
        "period": {"start": "2026-09-16T01:00:00+00:00", "end": "2026-09-16T01:30:00+00:00"},
        "location": [{"location": {"reference": "Location/loc-1", "display": "Posyandu Melati"}}],
        "statusHistory": [
            {
                "status": "arrived",
                "period": {
                    "start": "2026-09-16T01:00:00+00:00",
                    "end": "2026-09-16T01:05:00+00:00",
                },
            },
            {
                "status": "in-progress",
                "period": {
                    "start": "2026-09-16T01:05:00+00:00",
                    "end": "2026-09-16T01:30:00+00:00",
                },
            },
            {
                "status": "finished",
                "period": {
                    "start": "2026-09-16T01:30:00+00:00",
                    "end": "2026-09-16T01:30:00+00:00",
                },
            },
        ],  # fmt: skip
        "serviceProvider": {"reference": "Organization/10000004"},
    }


def test_home_visit_is_class_hh_and_wita_becomes_utc():
    home = replace(
        KUNJUNGAN, kelas="kunjungan_rumah", praktisi_ihs="N10000001",
        mulai=datetime(2026, 9, 16, 17, 35, tzinfo=WITA),
        dilayani=datetime(2026, 9, 16, 17, 40, tzinfo=WITA),
        selesai=datetime(2026, 9, 16, 18, 5, tzinfo=WITA),
    )  # fmt: skip
    resource = encounter(home, CTX, SUBJECT)
    assert resource["class"]["code"] == "HH"
    assert resource["period"]["start"] == "2026-09-16T09:35:00+00:00"
    assert resource["participant"][0]["individual"] == {
        "display": "Kader Ani", "reference": "Practitioner/N10000001",
    }  # fmt: skip
    with pytest.raises(ValueError, match="ends after it starts"):
        encounter(replace(home, selesai=home.mulai), CTX, SUBJECT)


UKUR = fi.Ukur(
    lokal="m1", waktu=datetime(2026, 9, 16, 8, 5, tzinfo=WIB), berat_kg=Decimal("7.85"),
    tinggi_cm=Decimal("68.4"), cara_ukur="terlentang", umur_hari=609, zwei=-2.31, fwei=False,
    zlen=-1.2, flen=False,
)  # fmt: skip


def test_weight_and_length_observations_with_interpretation():
    found = observations(UKUR, CTX, SUBJECT, ENC)
    assert [k for k, _ in found] == ["m1.berat", "m1.panjang"]
    weight = found[0][1]
    assert weight == {
        "resourceType": "Observation",
        "meta": {"profile": [PROFILE + "Observation"]},
        "identifier": [
            {"system": "http://sys-ids.kemkes.go.id/observation/10000004", "value": "m1.berat"}
        ],
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                        "display": "Vital Signs",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]
        },
        "subject": SUBJECT,
        "encounter": ENC,
        "effectiveDateTime": "2026-09-16T01:05:00+00:00",
        "issued": "2026-09-16T01:05:00+00:00",
        "valueQuantity": {
            "value": 7.85, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"
        },
        "interpretation": [
            {
                "coding": [
                    {
                        "system": "http://terminology.kemkes.go.id/CodeSystem/clinical-term",
                        "code": "OI000008",
                        "display": "Berat badan kurang (underweight)",
                    }
                ],
                "text": "-2.31 SD",
            }
        ],
    }  # fmt: skip
    length = found[1][1]
    assert length["code"]["coding"][0]["code"] == "8306-3"  # lying
    assert length["valueQuantity"] == {
        "value": 68.4, "unit": "cm", "system": "http://unitsofmeasure.org", "code": "cm",
    }  # fmt: skip
    # TB/U normal (OI000013) is not verified yet: left out unless switched on.
    assert "interpretation" not in length
    on = observations(UKUR, fi.Context("10000004", unverified=True), SUBJECT, ENC)
    assert on[1][1]["interpretation"][0]["coding"][0]["code"] == "OI000013"
    assert all(validate(r) == [] for _, r in found)


def test_position_used_decides_length_or_height():
    standing = observations(replace(UKUR, cara_ukur="berdiri"), CTX, SUBJECT, ENC)
    assert standing[1][1]["code"]["coding"][0]["code"] == "8302-2"
    unknown_baby = observations(replace(UKUR, cara_ukur="", umur_hari=300), CTX, SUBJECT, ENC)
    assert unknown_baby[1][1]["code"]["coding"][0]["code"] == "8306-3"
    severely = observations(replace(UKUR, zwei=-3.4, zlen=-3.1), CTX, SUBJECT, ENC)
    assert severely[0][1]["interpretation"][0]["coding"][0]["code"] == "OI000007"
    assert severely[1][1]["interpretation"][0]["coding"][0]["code"] == "OI000011"
    flagged = observations(replace(UKUR, fwei=True), CTX, SUBJECT, ENC)
    assert "interpretation" not in flagged[0][1]  # a WHO-flagged z-score is not interpreted


def test_blood_pressure_as_components_and_other_measures():
    adult = fi.Ukur(
        lokal="m2", waktu=datetime(2026, 9, 16, 8, 5, tzinfo=WIB), lila_cm=Decimal("22.5"),
        lingkar_kepala_cm=None, sistole=142, diastole=91,
    )  # fmt: skip
    found = dict(observations(adult, CTX, SUBJECT, ENC))
    assert set(found) == {"m2.lila", "m2.tekanan_darah"}
    bp = found["m2.tekanan_darah"]
    assert bp["code"]["coding"][0]["code"] == "85354-9"
    assert bp["component"] == [
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6",
                              "display": "Systolic blood pressure"}]},
         "valueQuantity": {"value": 142, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org",
                           "code": "mm[Hg]"}},
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4",
                              "display": "Diastolic blood pressure"}]},
         "valueQuantity": {"value": 91, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org",
                           "code": "mm[Hg]"}},
    ]  # fmt: skip
    assert found["m2.lila"]["code"]["coding"][0]["code"] == "56072-2"
    assert found["m2.lila"]["category"][0]["coding"][0]["code"] == "exam"
    assert all(validate(r) == [] for r in found.values())


VAKSIN = fi.Vaksinasi(
    lokal="v1", dosis_kode="DPT-HB-Hib-1", waktu=datetime(2026, 9, 16, 8, 5, tzinfo=WIB),
    dosis_ke=1, waktu_kode="IM-Kejar", batch="B1234", location_id="loc-1",
    lokasi_nama="Posyandu Melati",
)  # fmt: skip


def test_immunization_given_here():
    assert immunization(VAKSIN, CTX, SUBJECT, ENC) == {
        "resourceType": "Immunization",
        "meta": {"profile": [PROFILE + "Immunization"]},
        "identifier": [
            {"system": "http://sys-ids.kemkes.go.id/immunization/10000004", "value": "v1"}
        ],
        "status": "completed",
        "vaccineCode": {
            "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "198",
                        "display": "DTP-hepB-Hib Pentavalent Non-US"}],
            "text": "DPT-HB-Hib-1",
        },
        "patient": SUBJECT,
        "encounter": ENC,
        "occurrenceDateTime": "2026-09-16T01:05:00+00:00",
        "recorded": "2026-09-16T01:05:00+00:00",
        "primarySource": True,
        "location": {"reference": "Location/loc-1", "display": "Posyandu Melati"},
        "lotNumber": "B1234",
        "performer": [
            {
                "function": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0443",
                                         "code": "AP", "display": "Administering Provider"}]},
                "actor": {"reference": "Organization/10000004"},
            }
        ],
        "reasonCode": [
            {"coding": [{"system": "http://terminology.kemkes.go.id/CodeSystem/immunization-reason",
                         "code": "IM-Dasar", "display": "Imunisasi Program Rutin Dasar"}]},
            {"coding": [{"system": "http://terminology.kemkes.go.id/CodeSystem/immunization-routine-timing",
                         "code": "IM-Kejar", "display": "Imunisasi Rutin Kejar"}]},
        ],
        "protocolApplied": [{"doseNumberPositiveInt": 1}],
    }  # fmt: skip


def test_dose_from_the_buku_kia_is_reported_not_primary():
    copied = replace(VAKSIN, dosis_kode="Td", sumber_primer=False, waktu_kode="", dosis_ke=3)
    resource = immunization(copied, CTX, SUBJECT, None)
    assert resource["primarySource"] is False
    assert resource["reportOrigin"] == {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/immunization-origin",
                    "code": "record", "display": "Written Record"}]
    }  # fmt: skip
    assert "performer" not in resource and "encounter" not in resource
    assert [r["coding"][0]["code"] for r in resource["reasonCode"]] == ["IM-WUS"]
    assert resource["vaccineCode"]["coding"][0]["code"] == "139"
    assert resource["protocolApplied"] == [{"doseNumberPositiveInt": 3}]
    assert validate(resource) == []
    kfa = immunization(copied, fi.Context("10000004", unverified=True), SUBJECT, None)
    assert kfa["vaccineCode"]["coding"][0] == {
        "system": "http://sys-ids.kemkes.go.id/kfa", "code": "VG139", "display": "Td",
    }  # fmt: skip
    with pytest.raises(Unmappable, match="peta vaksin"):
        immunization(replace(VAKSIN, dosis_kode="COVID"), CTX, SUBJECT, None)


def test_referral_and_rujuk_balik():
    rujuk = fi.Rujuk(
        lokal="r1", waktu=datetime(2026, 9, 16, 8, 5, tzinfo=WIB), alasan="2T dan BB/U < -3 SD",
        status="selesai", tujuan_nama="Puskesmas Sukajadi", hasil="rujuk_balik",
        umpan_balik="PMT pemulihan 90 hari", saran_kader="Timbang tiap 2 minggu",
        waktu_umpan_balik=datetime(2026, 9, 20, 12, 0, tzinfo=WIB),
    )  # fmt: skip
    (k1, referral), (k2, back) = service_requests(rujuk, CTX, SUBJECT, ENC)
    assert (k1, k2) == ("r1", "r1.balik")
    assert referral["status"] == "completed" and referral["intent"] == "original-order"
    assert referral["code"]["coding"] == [
        {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}
    ]
    assert referral["identifier"] == [
        {"system": "http://sys-ids.kemkes.go.id/servicerequest/10000004", "value": "r1"}
    ]
    assert referral["note"] == [
        {"text": "Rujuk balik ke kader dengan saran. PMT pemulihan 90 hari"}
    ]
    assert back["patientInstruction"] == "Timbang tiap 2 minggu"
    assert back["authoredOn"] == "2026-09-20T05:00:00+00:00"
    assert "category" not in back  # SR000007 is unverified
    assert validate(referral) == [] and validate(back) == []
    open_one = service_requests(replace(rujuk, status="dikirim", hasil=""), CTX, SUBJECT, ENC)
    assert len(open_one) == 1 and open_one[0][1]["status"] == "active"


def test_condition_icd10():
    resource = condition(
        fi.Diagnosis(
            lokal="d1", icd10="E44.1", nama="Mild protein-energy malnutrition",
            onset=datetime(2026, 9, 16, 9, 0, tzinfo=WIB),
            dicatat=datetime(2026, 9, 16, 9, 30, tzinfo=WIB),
        ),
        CTX, SUBJECT, ENC,
    )  # fmt: skip
    assert resource["code"] == {
        "coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "E44.1",
                    "display": "Mild protein-energy malnutrition"}]
    }  # fmt: skip
    assert resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis"
    assert resource["onsetDateTime"] == "2026-09-16T02:00:00+00:00"
    assert validate(resource) == []


def test_transaction_bundle_uses_urn_uuid_and_puts_what_the_platform_holds():
    isi = fi.Isi(
        replace(PASIEN, ihs=""), KUNJUNGAN, ukur=[UKUR], vaksinasi=[VAKSIN],
    )  # fmt: skip
    bundle, keys = transaction_with_keys(isi, CTX)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    assert keys == [
        ("Patient", "3f1e"), ("Encounter", "3f1e.20260916.FLD"), ("Observation", "m1.berat"),
        ("Observation", "m1.panjang"), ("Immunization", "v1"),
    ]  # fmt: skip
    patient_url, encounter_url = full_url("Patient", "3f1e"), full_url("Encounter", KUNJUNGAN.lokal)
    assert [e["fullUrl"] for e in bundle["entry"][:2]] == [patient_url, encounter_url]
    assert all(e["request"] == {"method": "POST", "url": e["resource"]["resourceType"]}
               for e in bundle["entry"])  # fmt: skip
    enc = bundle["entry"][1]["resource"]
    assert enc["subject"]["reference"] == patient_url
    assert bundle["entry"][2]["resource"]["encounter"] == {"reference": encounter_url}
    assert validate_bundle(bundle) == []
    # With the IHS number and the Encounter id known: Patient/{ihs}, PUT Encounter/{id}.
    known = transaction(
        replace(isi, pasien=replace(PASIEN, ihs="P02478375538")), CTX,
        {("Encounter", KUNJUNGAN.lokal): "enc-99"},
    )  # fmt: skip
    assert [e["resource"]["resourceType"] for e in known["entry"]][0] == "Encounter"
    assert known["entry"][0]["request"] == {"method": "PUT", "url": "Encounter/enc-99"}
    assert known["entry"][0]["resource"]["id"] == "enc-99"
    assert known["entry"][1]["resource"]["subject"]["reference"] == "Patient/P02478375538"


def test_validation_catches_what_satusehat_refuses():
    bad = patient(PASIEN)
    bad["address"][0]["extension"][0]["extension"][0]["valueCode"] = "14.71"
    bad["birthDate"] = "2025-13-45"
    problems = validate(bad)
    assert any("Struktur FHIR tidak valid" in p for p in problems)
    assert any("province harus 2 angka" in p for p in problems)
    enc = encounter(KUNJUNGAN, CTX, SUBJECT)
    enc["period"]["start"] = "2026-09-16T08:00:00+07:00"
    del enc["serviceProvider"]
    problems = validate(enc)
    assert (
        "period.start: waktu harus dalam UTC (+00:00), bukan 2026-09-16T08:00:00+07:00" in problems
    )
    assert "Encounter: elemen wajib serviceProvider tidak ada" in problems
