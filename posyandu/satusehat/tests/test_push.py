"""The outbox and the real HTTP client against a local server (fake_server.py) that fails in
the documented ways: 401 on an expired token, 429 and 500 then success, an OperationOutcome
rejection, a timeout after the server processed, and a worker killed after the server
received a bundle but before the local commit."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.imunisasi.models import Imunisasi
from posyandu.sasaran.models import Sasaran
from posyandu.satusehat import ids, push
from posyandu.satusehat.client import forget_tokens
from posyandu.satusehat.fhir.systems import NIK
from posyandu.satusehat.models import IdSatusehat, Kiriman, TokenInfo
from posyandu.satusehat.tests.fake_server import CLIENT_ID, CLIENT_SECRET, FakeSatusehat
from posyandu.sesi.models import Pengukuran, Sesi
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory
from posyandu.wilayah.tests.factories import wilayah

pytestmark = pytest.mark.django_db
ORG = "10000004"
S = Kiriman.Status


@pytest.fixture
def server():
    fake = FakeSatusehat(slow_seconds=1.5).start()
    forget_tokens()
    with override_settings(
        SATUSEHAT_BASE_URL=fake.base_url,
        SATUSEHAT_CREDENTIALS={ORG: {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}},
        SATUSEHAT_TIMEOUT=0.5,
        SATUSEHAT_BACKOFF=0.0,
    ):
        yield fake
    fake.stop()
    forget_tokens()


@pytest.fixture
def posyandu():
    wilayah("14.71.01.1001", "Jadirejo")
    p = PosyanduFactory.create(nama="Posyandu Melati", desa_id="14.71.01.1001", kode="147101100101")
    ids.store(ids.ORGANIZATION, ids.facility_key(p.puskesmas), ORG)
    ids.store(ids.LOCATION, ids.facility_key(p), "loc-melati")
    return p


def child(posyandu, nik="1471014501250001", **fields) -> Sasaran:
    return Sasaran.objects.create(
        nama=fields.pop("nama", "Siti"), jenis_kelamin="P", tanggal_lahir=date(2025, 1, 15),
        posyandu=posyandu, desa_id=posyandu.desa_id, nik=nik, **fields,
    )  # fmt: skip


def visit(person: Sasaran, day: date, kg: str = "8.10") -> Pengukuran:
    sesi = Sesi.objects.filter(posyandu=person.posyandu, tanggal=day).first()
    sesi = sesi or SesiFactory.create(posyandu=person.posyandu, tanggal=day)
    k = KunjunganFactory.create(sesi=sesi, sasaran=person)
    return Pengukuran.objects.create(
        sasaran=person, tanggal=day, kunjungan=k, berat_kg=Decimal(kg),
        tinggi_cm=Decimal("72.5"), cara_ukur="terlentang", umur_hari=(day - date(2025, 1, 15)).days,
    )  # fmt: skip


def test_saving_queues_one_item_per_encounter_in_the_same_transaction(posyandu):
    person = child(posyandu)
    m = visit(person, date(2026, 9, 10))
    Imunisasi.objects.create(sasaran=person, vaksin="MR1", tanggal=date(2026, 9, 10),
                             tempat="posyandu")  # fmt: skip
    items = list(Kiriman.objects.all())
    assert [(i.jenis, i.kelas, i.status, i.revisi) for i in items] == [
        ("encounter", "posyandu", "menunggu", 1)
    ]
    assert items[0].kunci == f"{person.public_id}.20260910.FLD"
    m.berat_kg = Decimal("8.20")
    m.save()  # still waiting: no second item, the bundle is built when sent
    assert Kiriman.objects.count() == 1
    Imunisasi.objects.create(sasaran=person, vaksin="BCG", tanggal=date(2025, 2, 1),
                             tempat="praktik", diberikan_di_sini=False)  # fmt: skip
    assert Kiriman.objects.filter(jenis="imunisasi").count() == 1


def test_push_looks_the_patient_up_by_nik_and_stores_the_returned_ids(server, posyandu):
    server.add_patient(NIK, "1471014501250001", "P02478375538")
    person = child(posyandu)
    m = visit(person, date(2026, 9, 10))
    result = push.push_once()
    assert result.counts["terkirim"] == 1
    item = Kiriman.objects.get()
    assert item.status == S.TERKIRIM and item.percobaan == 1 and item.alasan == ""
    assert server.created("Patient") == [server.resources[("Patient", "P02478375538")]]
    assert ids.get(ids.PATIENT, str(person.public_id)) == "P02478375538"
    (bundle,) = server.transactions
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Encounter", "Observation", "Observation"]
    assert bundle["entry"][0]["resource"]["subject"]["reference"] == "Patient/P02478375538"
    encounter_id = ids.get("Encounter", item.kunci)
    assert item.hasil[item.kunci] == f"Encounter/{encounter_id}"
    assert item.hasil[f"{m.public_id}.berat"].startswith("Observation/")
    assert TokenInfo.objects.get(organization_id=ORG).pembaruan == 0
    # A correction after sending is a new revision, sent as updates of the same resources.
    m.berat_kg = Decimal("8.30")
    m.save()
    assert Kiriman.objects.filter(status=S.MENUNGGU).get().revisi == 2
    push.push_once()
    update = server.transactions[-1]
    assert [e["request"]["method"] for e in update["entry"]] == ["PUT", "PUT", "PUT"]
    assert update["entry"][0]["request"]["url"] == f"Encounter/{encounter_id}"
    assert max(server.creates.values()) == 1  # nothing created twice
    assert server.token_requests == 1  # the token was cached


def test_patient_unknown_to_the_mpi_is_created_first(server, posyandu):
    person = child(posyandu, nik="1471014501250009")
    visit(person, date(2026, 9, 10))
    push.push_once()
    (created,) = server.created("Patient")
    assert created["identifier"][0] == {
        "use": "official",
        "system": NIK,
        "value": "1471014501250009",
    }
    assert ids.get(ids.PATIENT, str(person.public_id)) == created["id"]


def test_expired_token_is_renewed_once_and_429_500_are_retried(server, posyandu):
    child_a, child_b = child(posyandu), child(posyandu, nik="1471014501250002", nama="Budi")
    visit(child_a, date(2026, 9, 10))
    visit(child_b, date(2026, 9, 10))
    server.script = ["expire", "429", "500"]
    result = push.push_once()
    assert result.counts["terkirim"] == 2
    assert len(server.transactions) == 2
    assert server.token_requests == 2  # first token, then one renewal after the 401
    assert TokenInfo.objects.get(organization_id=ORG).pembaruan == 1


def test_a_rejection_stores_the_operation_outcome_and_holds_the_patients_later_items(
    server, posyandu
):
    person = child(posyandu)
    visit(person, date(2026, 8, 10))
    visit(person, date(2026, 9, 10))
    server.script = ["reject"]
    result = push.push_once()
    assert result.counts == {"gagal": 1, "menunggu giliran": 1}
    failed, later = Kiriman.objects.order_by("id")
    assert failed.status == S.GAGAL and failed.http_status == 400
    assert failed.alasan == (
        "Ditolak SATUSEHAT (HTTP 400): Patient tidak sesuai dengan Encounter (business-rule)"
    )
    assert failed.operation_outcome is not None
    assert failed.operation_outcome["issue"][0]["code"] == "business-rule"
    assert later.status == S.MENUNGGU and server.transactions == []
    # A correction of the person's data puts the failed item back in the queue.
    person.nama = "Siti Aminah"
    person.save()
    failed.refresh_from_db()
    assert failed.status == S.MENUNGGU
    push.push_once()
    assert [k.status for k in Kiriman.objects.order_by("id")] == [S.TERKIRIM, S.TERKIRIM]
    dates = [t["entry"][0]["resource"]["period"]["start"][:10] for t in server.transactions]
    assert dates == ["2026-08-10", "2026-09-10"]  # order per patient kept


def test_timeout_after_the_server_processed_is_checked_before_resending(server, posyandu):
    person = child(posyandu)
    visit(person, date(2026, 9, 10))
    server.script = ["timeout"]
    push.push_once()
    item = Kiriman.objects.get()
    assert item.status == S.MENGIRIM and "Waktu tunggu habis" in item.alasan
    assert len(server.transactions) == 1  # it did arrive
    Kiriman.objects.filter(pk=item.pk).update(coba_lagi_pada=timezone.now())
    push.push_once()
    item.refresh_from_db()
    assert item.status == S.TERKIRIM
    assert len(server.transactions) == 1  # found by identifier, not sent again
    assert set(server.creates.values()) == {1}
    assert item.hasil[item.kunci] == f"Encounter/{ids.get('Encounter', item.kunci)}"


def test_killed_between_the_servers_answer_and_the_local_commit(server, posyandu, monkeypatch):
    person = child(posyandu)
    visit(person, date(2026, 9, 10))
    real = push._record_success
    calls = {"n": 0}

    def killed(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(push, "_record_success", killed)
    with pytest.raises(SystemExit):
        push.push_once()
    item = Kiriman.objects.get()
    assert item.status == S.MENGIRIM  # marked before the POST, never marked sent
    assert not IdSatusehat.objects.filter(resource="Encounter").exists()
    push.push_once()  # the next run
    item.refresh_from_db()
    assert item.status == S.TERKIRIM
    assert len(server.transactions) == 1  # nothing doubled
    # Patient (new to the MPI), Encounter, two Observations: each created once
    assert sum(server.creates.values()) == 4 and set(server.creates.values()) == {1}
    assert IdSatusehat.objects.filter(resource="Observation").count() == 2  # nothing lost


def test_unmappable_and_missing_credentials_are_reported_not_sent(server, posyandu):
    nameless = child(posyandu, nik=None)
    visit(nameless, date(2026, 9, 10))
    with override_settings(SATUSEHAT_CREDENTIALS={}):
        other = child(posyandu, nik="1471014501250003", nama="Rina")
        visit(other, date(2026, 9, 11))
        push.push_once()
    first, second = Kiriman.objects.order_by("id")
    assert (first.status, first.alasan) == (
        S.TIDAK_DIPETAKAN,
        "Tidak ada NIK dan tidak ada NIK ibu.",
    )
    assert second.status == S.MENUNGGU and second.coba_lagi_pada is not None
    assert second.alasan == f"Kredensial SATUSEHAT {posyandu.puskesmas.nama} belum diatur."
    assert server.transactions == []
    nameless.nik_ibu = "1471016603900002"
    nameless.save()  # the mother's NIK is added: it is tried again
    Kiriman.objects.filter(pk=second.pk).update(coba_lagi_pada=None)
    push.push_once()
    assert {k.status for k in Kiriman.objects.all()} == {S.TERKIRIM}
    baby = server.created("Patient")
    assert {p["identifier"][0]["system"] for p in baby} >= {"https://fhir.kemkes.go.id/id/nik-ibu"}
