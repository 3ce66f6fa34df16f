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


def _weigh(client, anak, kg, **extra):
    body = {"sasaran_id": str(anak.public_id), "tanggal": "2026-03-10", "berat_kg": kg}
    return post(client, body | extra)


def test_a_second_measurement_of_the_day_answers_409_with_the_first(client, world, anak):
    client.force_login(world.kader_a)
    first = _weigh(client, anak, "9.1", tinggi_cm="76.0", cara_ukur="terlentang")
    assert first.status_code == 201
    again = _weigh(client, anak, "9.4")
    assert again.status_code == 409
    body = again.json()
    assert body["pengukuran"]["id"] == first.json()["id"]
    assert (body["pengukuran"]["berat_kg"], body["pengukuran"]["tinggi_cm"]) == ("9.10", "76.0")
    assert "ganti" in body["detail"] and "tambah" in body["detail"]
    assert Pengukuran.objects.count() == 1  # nothing saved


def test_ganti_voids_the_first_with_the_reason_diganti(client, world, anak):
    client.force_login(world.kader_a)
    first = _weigh(client, anak, "9.1")
    second = _weigh(client, anak, "9.4", same_day="ganti")
    assert second.status_code == 201 and Decimal(second.json()["berat_kg"]) == Decimal("9.4")
    assert [str(p.berat_kg) for p in Pengukuran.objects.all()] == ["9.40"]
    voided = Pengukuran.all_objects.get(public_id=first.json()["id"])
    assert (voided.deleted_at is not None, voided.alasan_batal) == (True, "diganti")
    assert voided.dibatalkan_oleh == world.kader_a


def test_tambah_keeps_both(client, world, anak):
    client.force_login(world.kader_a)
    _weigh(client, anak, "9.1")
    second = _weigh(client, anak, "9.4", same_day="tambah")
    assert second.status_code == 201
    assert sorted(str(p.berat_kg) for p in Pengukuran.objects.all()) == ["9.10", "9.40"]


def test_another_day_or_an_unknown_choice(client, world, anak):
    client.force_login(world.kader_a)
    _weigh(client, anak, "9.1")
    other_day = {"sasaran_id": str(anak.public_id), "tanggal": "2026-03-09", "berat_kg": "9.0"}
    assert post(client, other_day).status_code == 201  # no question on another day
    assert _weigh(client, anak, "9.4", same_day="ya").status_code == 422
    assert Pengukuran.objects.count() == 2


def test_a_retry_is_not_a_second_measurement(client, world, anak):
    """The client's own id again answers 200 with the stored one, never 409; also after a
    later "ganti" voided it."""
    client.force_login(world.kader_a)
    cid = str(uuid.uuid4())
    assert _weigh(client, anak, "9.1", id=cid).status_code == 201
    retry = _weigh(client, anak, "9.1", id=cid)
    assert (retry.status_code, retry.json()["id"]) == (200, cid)
    assert _weigh(client, anak, "9.4", same_day="ganti").status_code == 201
    late = _weigh(client, anak, "9.1", id=cid)
    assert (late.status_code, late.json()["id"], late.json()["berat_kg"]) == (200, cid, "9.10")
    assert [str(p.berat_kg) for p in Pengukuran.objects.all()] == ["9.40"]


def test_ganti_refused_by_the_hard_limits_keeps_the_first(client, world, anak):
    client.force_login(world.kader_a)
    _weigh(client, anak, "9.1")
    assert _weigh(client, anak, "46", same_day="ganti").status_code == 422
    assert [str(p.berat_kg) for p in Pengukuran.objects.all()] == ["9.10"]


def test_the_409_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    post_op = schema["paths"]["/api/v1/pengukuran"]["post"]
    assert "409" in post_op["responses"]
    body = post_op["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].split("/")[-1]
    assert "same_day" in schema["components"]["schemas"][ref]["properties"]
