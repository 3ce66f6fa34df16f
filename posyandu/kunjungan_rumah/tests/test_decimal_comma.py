"""The home-visit form of issue 11: "9,5" became 95 kg, was read as N (naik) and closed the
child's 2T task. Now it is 9.5 kg, read as T, and 95 kg at 16 months is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.sasaran.models import Keluarga
from posyandu.sesi.models import Pengukuran
from posyandu.tugas.engine import recompute
from posyandu.tugas.tests.factories import measure, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_t_child(world):
    today = timezone.localdate()
    keluarga = Keluarga.objects.create(
        kepala_keluarga="Budi", desa_id="14.71.01.1001", posyandu=world.posyandu_a, alamat="-"
    )
    child = person(world.posyandu_a, today - timedelta(days=500), nama="Siti", keluarga=keluarga)
    measure(child, today - timedelta(days=32), status_bb="T")
    measure(child, today - timedelta(days=2), status_bb="T")
    recompute(today=today)
    return child


def _post(client, child, typed):
    url = reverse("kunjungan_rumah:new") + f"?sasaran={child.public_id}"
    return client.post(
        url,
        {
            "tanggal": timezone.localdate().isoformat(),
            "bertemu": "on",
            "tindak_lanjut": "tidak_ada",
            "m0-dikunjungi": "on",
            "m0-berat_kg": typed,
        },
    )


@pytest.mark.parametrize("typed", ["9,5", "9.5"])
def test_nine_comma_five_is_nine_and_a_half_kg_not_95(client, world, two_t_child, typed):
    client.force_login(world.kader_a)
    response = _post(client, two_t_child, typed)
    assert response.status_code == 302
    home = Pengukuran.objects.get(sumber=Pengukuran.Sumber.KUNJUNGAN_RUMAH)
    assert home.berat_kg == Decimal("9.5")
    assert home.status_bb == "T"  # 10.0 kg last month: no gain, never "N"
    page = client.get(response.url).content.decode()
    assert "9,50 kg" in page or "9,5 kg" in page


def test_the_boxes_are_decimal_text_not_number(client, world, two_t_child):
    client.force_login(world.kader_a)
    url = reverse("kunjungan_rumah:new") + f"?sasaran={two_t_child.public_id}"
    html = client.get(url).content.decode()
    assert 'type="number"' not in html
    assert 'type="text" name="m0-berat_kg" inputmode="decimal"' in html


def test_95_kg_at_16_months_is_refused_with_the_range(client, world, two_t_child):
    client.force_login(world.kader_a)
    response = _post(client, two_t_child, "95")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Berat 95 kg tidak mungkin pada umur 16 bulan. Isi nilai antara 3 dan 26 kg" in html
    assert not KunjunganRumah.objects.exists()
    assert not Pengukuran.objects.filter(sumber=Pengukuran.Sumber.KUNJUNGAN_RUMAH).exists()


def test_api_reads_a_comma_and_refuses_the_impossible(client, world, two_t_child):
    client.force_login(world.kader_a)
    member = {"sasaran_id": str(two_t_child.public_id), "berat_kg": "9,5"}
    body = {"tanggal": timezone.localdate().isoformat(), "anggota": [member]}
    url = "/api/v1/kunjungan-rumah"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Pengukuran.objects.get(sumber="kunjungan_rumah").berat_kg == Decimal("9.5")
    body["anggota"] = [member | {"berat_kg": "95"}]
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert "antara 3 dan 26 kg" in response.json()["detail"]
