"""The offline sync API (docs/offline.md): download package, upload exactly once, conflicts,
scope, expiry, audit, device/server result mismatch."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from posyandu.audit.models import AuditEvent
from posyandu.imunisasi.models import Imunisasi
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, LayananDiberikan, Pengukuran, Penyuluhan, Sesi
from posyandu.sesi.services import measurement_record
from posyandu.sinkron.models import Konflik, Perangkat, Perubahan, SelisihHasil
from posyandu.skrining.models import HasilSkrining
from tests.clock import TODAY

PAKET = "/api/v1/luring/paket"
KIRIM = "/api/v1/luring/kirim"
STATUS = "/api/v1/luring/status"
DEVICE = str(uuid.uuid4())


def ch(kind, record=None, data=None, base_version=None, seq=0):
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "kind": kind,
        "record": str(record or uuid.uuid4()),
        "base_version": base_version,
        "at": timezone.now().isoformat(),
        "data": data or {},
    }


def send(client, changes, device=DEVICE):
    response = client.post(
        KIRIM, {"device_id": device, "changes": changes}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def anak(world):
    # a boy of 20 months on TODAY
    return SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=610), nama="Budi"
    )


@pytest.fixture
def kader(client, world):
    client.force_login(world.kader_a)
    return client


def test_a_whole_offline_day_applies_every_kind(kader, world, anak):
    sesi_id, visit_id, baby_id, weight_id = (uuid.uuid4() for _ in range(4))
    baby_visit = uuid.uuid4()
    day = TODAY.isoformat()
    changes = [
        ch("sesi.open", sesi_id, {"posyandu": str(world.posyandu_a.public_id), "tanggal": day}),
        ch("kunjungan.checkin", visit_id, {"sesi": str(sesi_id), "sasaran": str(anak.public_id)}),
        ch(
            "sasaran.create",
            baby_id,
            {
                "posyandu": str(world.posyandu_a.public_id),
                "nama": "Bayi Sari",
                "jenis_kelamin": "P",
                "tanggal_lahir": (TODAY - timedelta(days=40)).isoformat(),
                "nama_ibu": "Sari",
                "persetujuan_oleh": "Sari",
            },
        ),
        ch("kunjungan.checkin", baby_visit, {"sesi": str(sesi_id), "sasaran": str(baby_id)}),
        ch(
            "pengukuran.create",
            weight_id,
            {"kunjungan": str(visit_id), "berat_kg": "10,4", "tinggi_cm": "81,5",
             "cara_ukur": "terlentang"},
        ),  # fmt: skip
        ch("pengukuran.create", None, {"kunjungan": str(baby_visit), "berat_kg": "4,6"}),
        ch("layanan.create", None, {"kunjungan": str(visit_id), "jenis": "Vitamin A"}),
        ch("penyuluhan.create", None, {"kunjungan": str(visit_id), "topik": "ASI eksklusif"}),
        ch("imunisasi.create", None,
           {"sasaran": str(baby_id), "vaksin": "BCG", "kunjungan": str(baby_visit)}),
        ch("skrining.create", None, {"sasaran": str(anak.public_id), "definition": "nope"}),
        ch("rujukan.create", None, {"sasaran": str(anak.public_id), "alasan": "Demam tinggi"}),
    ]  # fmt: skip
    results = send(kader, changes)
    statuses = [r["status"] for r in results]
    assert statuses[:9] == ["applied"] * 9, results
    assert statuses[9] == "rejected" and "nope" in results[9]["reason"]
    assert statuses[10] == "applied"
    sesi = Sesi.objects.get()
    assert sesi.public_id == sesi_id and sesi.tanggal == TODAY
    baby = Sasaran.objects.get(public_id=baby_id)
    assert (baby.nik, baby.nama_ibu, baby.posyandu) == (None, "Sari", world.posyandu_a)
    assert Kunjungan.objects.filter(sesi=sesi).count() == 2
    weight = Pengukuran.objects.get(public_id=weight_id)
    assert weight.berat_kg == Decimal("10.40") and weight.zwei is not None
    assert results[4]["server_result"]["zwei"] == weight.zwei
    assert LayananDiberikan.objects.get().jenis == "Vitamin A"
    assert Penyuluhan.objects.get().topik == "ASI eksklusif"
    assert Imunisasi.objects.get().sasaran == baby
    assert Rujukan.objects.get().alasan == "Demam tinggi"
    assert all(p.diukur_oleh == world.kader_a for p in Pengukuran.objects.all())


def test_a_screening_with_valid_answers_is_applied(kader, world):
    woman = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=date(1990, 1, 1)
    )
    results = send(
        kader,
        [ch("skrining.create", None,
            {"sasaran": str(woman.public_id), "definition": "imt", "answers": {}})],
    )  # fmt: skip
    # whatever the definition asks, the answer names the missing answers in Indonesian
    assert results[0]["status"] in ("applied", "rejected")
    if results[0]["status"] == "rejected":
        assert results[0]["errors"]
    else:
        assert HasilSkrining.objects.count() == 1


def test_the_same_batch_twice_is_applied_once(kader, world, anak):
    sesi_id = uuid.uuid4()
    changes = [
        ch("sesi.open", sesi_id,
           {"posyandu": str(world.posyandu_a.public_id), "tanggal": TODAY.isoformat()}),
        ch("pengukuran.create", None,
           {"sesi": str(sesi_id), "sasaran": str(anak.public_id), "berat_kg": "10.1"}),
    ]  # fmt: skip
    first = send(kader, changes)
    again = send(kader, changes)
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["record"] for r in again] == [r["record"] for r in first]
    assert (Sesi.objects.count(), Pengukuran.objects.count(), Kunjungan.objects.count()) == (
        1,
        1,
        1,
    )
    assert Perubahan.objects.count() == 2


def test_an_interrupted_batch_resent_applies_each_change_once(kader, world, anak):
    sesi_id = uuid.uuid4()
    changes = [
        ch("sesi.open", sesi_id,
           {"posyandu": str(world.posyandu_a.public_id), "tanggal": TODAY.isoformat()}),
        ch("kunjungan.checkin", None, {"sesi": str(sesi_id), "sasaran": str(anak.public_id)}),
        ch("pengukuran.create", None,
           {"sesi": str(sesi_id), "sasaran": str(anak.public_id), "berat_kg": "10.1"}),
        ch("layanan.create", None, {"kunjungan": "x", "jenis": "PMT"}),
    ]  # fmt: skip
    send(kader, changes[:2])  # the connection dropped after two were applied
    results = send(kader, changes)  # the client sends the whole outbox again
    assert [r["status"] for r in results][:3] == ["duplicate", "duplicate", "applied"]
    assert results[3]["status"] == "rejected"
    assert (Sesi.objects.count(), Kunjungan.objects.count(), Pengukuran.objects.count()) == (
        1,
        1,
        1,
    )
    # a create sent again under a NEW change id is still one record
    retry = dict(changes[2], id=str(uuid.uuid4()))
    assert send(kader, [retry])[0]["status"] == "duplicate"
    assert Pengukuran.objects.count() == 1


def test_a_stale_edit_is_a_conflict_with_both_versions(kader, world, anak):
    read_version = anak.version
    anak.nama_ibu = "Ani (web)"
    anak.save()  # someone on the web edits after the device downloaded
    results = send(
        kader,
        [ch("sasaran.update", anak.public_id, {"nama_ibu": "Ani (HP)"}, base_version=read_version)],
    )
    assert results[0]["status"] == "conflict" and results[0]["conflict"]
    anak.refresh_from_db()
    assert anak.nama_ibu == "Ani (web)"  # nothing overwritten
    konflik = Konflik.objects.get()
    assert konflik.versi_server["nama_ibu"] == "Ani (web)"
    assert konflik.versi_perangkat == {"nama_ibu": "Ani (HP)"}
    assert (konflik.base_version, konflik.server_version) == (read_version, anak.version)
    assert konflik.posyandu == world.posyandu_a
    status = kader.get(STATUS, {"device_id": DEVICE}).json()
    assert status["pending_conflicts"] == 1


def test_a_current_edit_is_applied(kader, world, anak):
    results = send(
        kader,
        [ch("sasaran.update", anak.public_id, {"nama_ibu": "Ani"}, base_version=anak.version)],
    )
    assert results[0]["status"] == "applied", results
    anak.refresh_from_db()
    assert anak.nama_ibu == "Ani" and results[0]["version"] == anak.version


def _entered_by(user, anak):
    """A measurement the kader entered today (who may still correct it)."""
    m = measurement_record(sasaran=anak, tanggal=TODAY, by=user, berat_kg=Decimal("9.9")).pengukuran
    Pengukuran.objects.filter(pk=m.pk).update(dibuat_oleh=user)
    m.refresh_from_db()
    return m


def test_void_and_correct_sync(kader, world, anak):
    m = _entered_by(world.kader_a, anak)
    results = send(
        kader,
        [ch("record.correct", m.public_id,
            {"model": "pengukuran", "fields": {"berat_kg": "10,2"}, "reason": "salah ketik"},
            base_version=m.version)],
    )  # fmt: skip
    assert results[0]["status"] == "applied", results
    m.refresh_from_db()
    assert m.berat_kg == Decimal("10.20")
    results = send(
        kader,
        [ch("record.void", m.public_id, {"model": "pengukuran", "reason": "anak lain"},
            base_version=m.version)],
    )  # fmt: skip
    assert results[0]["status"] == "applied"
    voided = Pengukuran.all_objects.get(pk=m.pk)
    assert voided.deleted_at is not None and voided.alasan_batal == "anak lain"
    void_events = AuditEvent.objects.filter(action="void", object_id=str(m.public_id))
    assert void_events.count() == 1


def test_a_void_from_an_old_version_is_a_conflict(kader, world, anak):
    m = _entered_by(world.kader_a, anak)
    results = send(
        kader,
        [ch("record.void", m.public_id, {"model": "pengukuran", "reason": "x"},
            base_version=m.version - 1 if m.version > 1 else 0)],
    )  # fmt: skip
    assert results[0]["status"] == "conflict"
    assert Pengukuran.objects.filter(pk=m.pk).exists()


def test_rejected_with_an_indonesian_reason_and_kept(kader, world, anak):
    results = send(
        kader,
        [ch("pengukuran.create", None,
            {"sasaran": str(anak.public_id), "tanggal": TODAY.isoformat(), "berat_kg": "abc"})],
    )  # fmt: skip
    assert results[0]["status"] == "rejected"
    assert "bukan angka" in results[0]["reason"]
    assert results[0]["errors"]["berat_kg"]
    status = kader.get(STATUS, {"device_id": DEVICE}).json()
    assert status["rejected"][0]["id"] == results[0]["id"]
    assert not Pengukuran.objects.exists()


def test_a_record_of_another_posyandu_is_rejected_and_audited(kader, world):
    elsewhere = SasaranFactory.create(posyandu=world.posyandu_s)
    results = send(
        kader,
        [
            ch("pengukuran.create", None,
               {"sasaran": str(elsewhere.public_id), "tanggal": TODAY.isoformat(),
                "berat_kg": "9"}),
            ch("sasaran.update", elsewhere.public_id, {"nama": "X"}, base_version=1),
        ],
    )  # fmt: skip
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert "di luar wilayah" in results[0]["reason"]
    assert not Pengukuran.objects.exists()
    elsewhere.refresh_from_db()
    assert elsewhere.nama != "X"
    refused = AuditEvent.objects.filter(model="sinkron.Perubahan", metadata__refused="out_of_scope")
    assert refused.count() == 2


def test_download_is_scoped(client, world, anak):
    client.force_login(world.kader_s)
    response = client.get(PAKET, {"posyandu": str(world.posyandu_a.public_id)})
    assert response.status_code == 404
    client.force_login(world.outsider)
    assert client.get(PAKET, {"posyandu": str(world.posyandu_a.public_id)}).status_code == 403


def test_download_holds_the_day_and_is_audited(kader, world, anak):
    SasaranFactory.create(posyandu=world.posyandu_a, nik="1471011501250001", nama="Ber NIK")
    measurement_record(sasaran=anak, tanggal=TODAY, by=world.kader_a, berat_kg=Decimal("10"))
    SasaranFactory.create(posyandu=world.posyandu_b, nama="Tetangga")
    body = kader.get(PAKET, {"posyandu": str(world.posyandu_a.public_id)}).json()
    assert body["full"] is True and body["format"] == 1
    names = {p["nama"] for p in body["people"]}
    assert names == {"Budi", "Ber NIK"}
    with_nik = next(p for p in body["people"] if p["nama"] == "Ber NIK")
    assert with_nik["nik_masked"] == "147101******0001" and "1471011501250001" not in str(body)
    assert body["measurements"][0]["berat_kg"] == 10.0
    assert body["measurements"][0]["z_bbu"] == body["measurements"][0]["zwei"]
    assert any(d["sasaran_id"] == str(anak.public_id) for d in body["due"])
    assert "sesi/tanda_bahaya" in body["rules"]
    expires = datetime.fromisoformat(body["expires_at"])
    generated = datetime.fromisoformat(body["generated_at"])
    assert expires - generated == timedelta(days=7)
    event = AuditEvent.objects.get(model="sinkron.Paket")
    assert event.action == "export" and event.metadata["rows"]["people"] == 2


def test_delta_holds_only_the_changes(kader, world, anak):
    other = SasaranFactory.create(posyandu=world.posyandu_a, nama="Cici")
    SasaranFactory.create(posyandu=world.posyandu_a, nama="Dodi")  # unchanged
    m = measurement_record(
        sasaran=other, tanggal=TODAY, by=world.kader_a, berat_kg=Decimal("9")
    ).pengukuran
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=True):
        full = kader.get(PAKET, {"posyandu": str(world.posyandu_a.public_id)}).json()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=True):
        anak.nama_ibu = "Baru"
        anak.save()
        new = measurement_record(
            sasaran=anak, tanggal=TODAY, by=world.kader_a, berat_kg=Decimal("10.5")
        ).pengukuran
        m.delete()
        delta = kader.get(
            PAKET, {"posyandu": str(world.posyandu_a.public_id), "sejak": full["cursor"]}
        ).json()
    assert delta["full"] is False
    names = [p["nama"] for p in delta["people"]]
    assert "Budi" in names and "Dodi" not in names  # (Cici's derived data may follow the void)
    assert [x["id"] for x in delta["measurements"]] == [str(new.public_id)]
    assert delta["removed"]["measurements"] == [str(m.public_id)]
    assert "rules" not in delta


@override_settings(SESSION_COOKIE_AGE=60 * 60 * 24 * 30)  # the web session outlives the device's
def test_an_offline_session_expires_without_sync(client, world, anak):
    client.force_login(world.kader_a)
    assert send(client, []) == []
    device = Perangkat.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=True):
        response = client.post(
            KIRIM, {"device_id": DEVICE, "changes": []}, content_type="application/json"
        )
        assert response.status_code == 401
        assert response.json()["code"] == "kedaluwarsa"
        assert "7 hari" in response.json()["detail"]
        client.force_login(world.kader_a)  # signing in again renews it
        assert send(client, []) == []
    device.refresh_from_db()
    assert device.last_sync_at is not None


def test_a_device_result_that_differs_is_logged_as_a_defect(kader, world, anak, caplog):
    visit = uuid.uuid4()
    sesi = Sesi.objects.create(posyandu=world.posyandu_a, tanggal=TODAY)
    Kunjungan.objects.create(public_id=visit, sesi=sesi, sasaran=anak)
    results = send(
        kader,
        [ch("pengukuran.create", None,
            {"kunjungan": str(visit), "berat_kg": "10.4", "tinggi_cm": "81.5",
             "cara_ukur": "terlentang", "device_result": {"zwei": 3.99, "zlen": None}})],
    )  # fmt: skip
    assert results[0]["status"] == "applied"
    defect = SelisihHasil.objects.get()
    assert "zwei" in defect.selisih and "zlen" in defect.selisih
    assert defect.hasil_server["zwei"] == results[0]["server_result"]["zwei"]
    assert "differs from the server" in caplog.text
    # the device's own result agreeing leaves no defect
    same = results[0]["server_result"]
    send(
        kader,
        [ch("pengukuran.create", None,
            {"kunjungan": str(visit), "berat_kg": "10.4", "tinggi_cm": "81.5",
             "cara_ukur": "terlentang", "same_day": "tambah",
             "device_result": {"zwei": same["zwei"], "zlen": same["zlen"]}})],
    )  # fmt: skip
    assert SelisihHasil.objects.count() == 1


def test_upload_is_audited_with_counts(kader, world, anak):
    send(kader, [ch("layanan.create", None, {"kunjungan": "nope", "jenis": "x"})])
    event = AuditEvent.objects.filter(model="sinkron.Perubahan", action="import").last()
    assert event is not None and event.metadata["changes"] == 1 and event.metadata["rejected"] == 1


def test_too_many_changes_in_one_batch(kader):
    changes = [ch("layanan.create") for _ in range(51)]
    response = kader.post(
        KIRIM, {"device_id": DEVICE, "changes": changes}, content_type="application/json"
    )
    assert response.status_code == 422
