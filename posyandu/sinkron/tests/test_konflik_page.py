"""/luring/konflik/: the bidan sees both versions and resolves (keep, take, merge)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sinkron.models import Konflik
from tests.clock import TODAY

KIRIM = "/api/v1/luring/kirim"


@pytest.fixture
def conflict(client, world):
    anak = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=400), nama="Budi"
    )
    read = anak.version
    anak.nama_ibu = "Ani (web)"
    anak.save()
    client.force_login(world.kader_a)
    change = {
        "id": str(uuid.uuid4()), "kind": "sasaran.update", "record": str(anak.public_id),
        "base_version": read, "at": timezone.now().isoformat(),
        "data": {"nama_ibu": "Ani (HP)", "rt": "7"},
    }  # fmt: skip
    body = {"device_id": str(uuid.uuid4()), "changes": [change]}
    result = client.post(KIRIM, body, content_type="application/json").json()["results"][0]
    assert result["status"] == "conflict"
    client.logout()
    return anak, Konflik.objects.get()


def test_the_bidan_sees_both_versions(client, world, conflict):
    anak, konflik = conflict
    client.force_login(world.bidan_1)
    listing = client.get("/luring/konflik/")
    assert listing.status_code == 200 and "sasaran.update" in listing.content.decode()
    page = client.get(f"/luring/konflik/{konflik.public_id}/").content.decode()
    assert "Ani (web)" in page and "Ani (HP)" in page


def test_another_area_does_not_see_it(client, world, conflict):
    _anak, konflik = conflict
    client.force_login(world.kader_s)
    assert client.get(f"/luring/konflik/{konflik.public_id}/").status_code == 404


def test_take_the_device_version(client, world, conflict):
    anak, konflik = conflict
    client.force_login(world.bidan_1)
    response = client.post(f"/luring/konflik/{konflik.public_id}/", {"pilihan": "perangkat"})
    assert response.status_code == 302
    anak.refresh_from_db()
    konflik.refresh_from_db()
    assert (anak.nama_ibu, anak.rt) == ("Ani (HP)", "007")
    assert (konflik.status, konflik.penyelesaian, konflik.diselesaikan_oleh) == (
        "selesai", "perangkat", world.bidan_1,
    )  # fmt: skip
    assert AuditEvent.objects.filter(model="sinkron.Konflik", object_id=str(konflik.public_id),
                                     action="update").exists()  # fmt: skip


def test_keep_the_server_version(client, world, conflict):
    anak, konflik = conflict
    client.force_login(world.bidan_1)
    client.post(f"/luring/konflik/{konflik.public_id}/", {"pilihan": "server"})
    anak.refresh_from_db()
    konflik.refresh_from_db()
    assert anak.nama_ibu == "Ani (web)" and konflik.penyelesaian == "server"


def test_merge_field_by_field(client, world, conflict):
    anak, konflik = conflict
    client.force_login(world.bidan_1)
    client.post(f"/luring/konflik/{konflik.public_id}/", {"pilihan": "gabung", "kolom": ["rt"]})
    anak.refresh_from_db()
    konflik.refresh_from_db()
    assert (anak.nama_ibu, anak.rt) == ("Ani (web)", "007")
    assert konflik.penyelesaian == "gabung" and konflik.hasil == {"rt": "7"}


def test_a_kader_may_look_but_not_resolve(client, world, conflict):
    _anak, konflik = conflict
    client.force_login(world.kader_a)
    assert client.get(f"/luring/konflik/{konflik.public_id}/").status_code == 200
    response = client.post(f"/luring/konflik/{konflik.public_id}/", {"pilihan": "server"})
    assert response.status_code == 403
