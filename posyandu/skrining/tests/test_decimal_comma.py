"""A screening's number typed with a comma ("9,5") is 9.5, on the form and in the API."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.skrining.models import HasilSkrining
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def adult(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a,
        jenis_kelamin="P",
        tanggal_lahir=TODAY - timedelta(days=round(40.5 * 365.25)),
    )


def test_the_form_reads_a_comma(client, world, adult):
    client.force_login(world.kader_a)
    url = reverse("skrining:form", args=[adult.public_id, "imt_dewasa"])
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page and 'type="number"' not in page
    response = client.post(url, {"berat_kg": "59,5", "tinggi_cm": "150,5"})
    assert response.status_code == 200
    hasil = HasilSkrining.objects.get()
    assert hasil.nilai["berat_kg"] == 59.5 and hasil.nilai["tinggi_cm"] == 150.5


def test_the_api_reads_a_comma(client, world, adult):
    client.force_login(world.kader_a)
    payload = {"definisi": "imt_dewasa", "jawaban": {"berat_kg": "59,5", "tinggi_cm": "150.5"}}
    url = f"/api/v1/skrining/{adult.public_id}/hasil"
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    hasil = HasilSkrining.objects.get()
    assert hasil.nilai["berat_kg"] == 59.5 and hasil.nilai["tinggi_cm"] == 150.5
