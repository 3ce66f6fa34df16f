"""The ANC form and API read "55,5" and "55.5" alike (core.numbers, the one parser)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from posyandu.kia.models import Kehamilan
from posyandu.sasaran.tests.factories import SasaranFactory
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def pregnant(client, world):
    mother = SasaranFactory.create(
        posyandu=world.posyandu_a,
        jenis_kelamin="P",
        tanggal_lahir=TODAY - timedelta(days=round(28.5 * 365.25)),
    )
    client.force_login(world.kader_a)
    client.post(
        reverse("kia:action", args=[mother.public_id, "daftar"]),
        {"hpht": (TODAY - timedelta(days=100)).isoformat()},
    )
    assert Kehamilan.objects.filter(sasaran=mother).exists()
    return mother


def test_anc_form_reads_a_comma(client, world, pregnant):
    url = reverse("kia:action", args=[pregnant.public_id, "anc"])
    client.post(url, {"berat_kg": "55,5", "lila_cm": "23,4", "hb": "10,5"})
    anc = Kehamilan.objects.get(sasaran=pregnant).anc.get()
    assert (anc.berat_kg, anc.lila_cm, anc.hb) == (
        Decimal("55.5"),
        Decimal("23.4"),
        Decimal("10.5"),
    )


def test_anc_api_reads_a_comma(client, world, pregnant):
    k = Kehamilan.objects.get(sasaran=pregnant)
    body = {"tanggal": TODAY.isoformat(), "berat_kg": "55,5", "hb": "10.5"}
    url = f"/api/v1/kia/kehamilan/{k.public_id}/anc"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    anc = k.anc.get()
    assert (anc.berat_kg, anc.hb) == (Decimal("55.5"), Decimal("10.5"))
