"""POST /api/v1/pengukuran: idempotent retry, scope, implausible values kept and flagged."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record

URL = "/api/v1/pengukuran"


@pytest.fixture
def anak(world):
    # a boy of 13 completed months on 2026-03-10
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_retry_with_the_same_client_id_returns_the_stored_one(client, world, anak):
    client.force_login(world.kader_a)
    cid = str(uuid.uuid4())
    body = {
        "id": cid,
        "sasaran_id": str(anak.public_id),
        "tanggal": "2026-03-10",
        "berat_kg": "9.1",
        "tinggi_cm": "76.0",
        "cara_ukur": "terlentang",
    }
    first = post(client, body)
    assert first.status_code == 201 and first.json()["id"] == cid
    retry = post(client, body | {"berat_kg": "9.9"})  # a retry, even garbled, changes nothing
    assert retry.status_code == 200
    assert retry.json()["id"] == cid and retry.json()["berat_kg"] == "9.10"
    assert Pengukuran.objects.count() == 1
    p = Pengukuran.objects.get()
    assert (p.berat_kg, p.diukur_oleh, p.mesin_versi != "") == (
        Decimal("9.10"),
        world.kader_a,
        True,
    )


def test_scope_refusal(client, world, anak):
    client.force_login(world.kader_s)
    body = {"sasaran_id": str(anak.public_id), "tanggal": "2026-03-10", "berat_kg": "9.1"}
    assert post(client, body).status_code == 404
    client.force_login(world.outsider)
    assert post(client, body).status_code == 403
    assert not Pengukuran.objects.exists()


@pytest.mark.parametrize(
    ("now_kg", "flagged"),
    [("7.20", False), ("7.19", True), ("6.50", True)],  # 10% below 8.00 kg is 7.20 kg
)
def test_implausible_value_kept_and_flagged(client, world, anak, now_kg, flagged):
    measurement_record(sasaran=anak, tanggal=date(2026, 2, 10), by=None, berat_kg=Decimal("8.00"))
    client.force_login(world.kader_a)
    body = {"sasaran_id": str(anak.public_id), "tanggal": "2026-03-10", "berat_kg": now_kg}
    response = post(client, body)
    assert response.status_code == 201
    data = response.json()
    assert data["perlu_cek_ulang"] is flagged
    assert ("bb_turun" in data["alasan_cek_ulang"]) is flagged
    stored = Pengukuran.objects.get(public_id=data["id"])  # kept, never dropped
    assert stored.berat_kg == Decimal(now_kg) and stored.perlu_cek_ulang is flagged


def test_bad_input_is_refused_with_a_reason(client, world, anak):
    client.force_login(world.kader_a)
    base = {"sasaran_id": str(anak.public_id), "tanggal": "2026-03-10"}
    assert post(client, base | {"berat_kg": "0"}).status_code == 422
    assert post(client, base | {"tanggal": "2024-12-31", "berat_kg": "3"}).status_code == 422
    assert post(client, base | {"cara_ukur": "X", "tinggi_cm": "70"}).status_code == 422
    assert not Pengukuran.objects.exists()


def test_position_is_a_word_and_the_older_letters_still_arrive(client, world, anak):
    client.force_login(world.kader_a)
    base = {"sasaran_id": str(anak.public_id), "tinggi_cm": "76.0"}
    sent = [("2026-03-10", "L"), ("2026-03-11", "H"), ("2026-03-12", "berdiri")]
    for day, position in sent:
        response = post(client, base | {"tanggal": day, "cara_ukur": position})
        assert response.status_code == 201
        assert response.json()["mesin_versi"].startswith("gs ")
        assert "engine_version" not in response.json()
    stored = Pengukuran.objects.order_by("tanggal").values_list("cara_ukur", flat=True)
    assert list(stored) == ["terlentang", "berdiri", "berdiri"]
