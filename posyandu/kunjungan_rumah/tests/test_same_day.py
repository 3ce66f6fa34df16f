"""Issue 11: a second measurement of a person on the same day, on the home-visit form, asks
whether it replaces the first (the same question and service as the Posyandu day's form)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.sasaran.models import Keluarga
from posyandu.sesi.models import Pengukuran
from posyandu.tugas.tests.factories import measure, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(world):
    today = timezone.localdate()
    keluarga = Keluarga.objects.create(
        kepala_keluarga="Budi", desa_id="14.71.01.1001", posyandu=world.posyandu_a, alamat="-"
    )
    child = person(world.posyandu_a, today - timedelta(days=500), nama="Siti", keluarga=keluarga)
    measure(child, today - timedelta(days=32), status_bb="T")
    return child


def _post(client, child, kg, **extra):
    url = reverse("kunjungan_rumah:new") + f"?sasaran={child.public_id}"
    data = {
        "tanggal": timezone.localdate().isoformat(),
        "bertemu": "on",
        "tindak_lanjut": "tidak_ada",
        "m0-dikunjungi": "on",
        "m0-berat_kg": kg,
    }
    return client.post(url, data | extra)


def _weights(child, manager=Pengukuran.objects):
    rows = manager.filter(sasaran=child, tanggal=timezone.localdate()).order_by("id")
    return [(p.berat_kg, p.alasan_batal) for p in rows]


def test_the_form_asks_and_saves_nothing_until_answered(client, world, child):
    client.force_login(world.kader_a)
    assert _post(client, child, "9,5").status_code == 302
    response = _post(client, child, "9,8")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anak ini sudah diukur hari ini" in page and "9,50 kg" in page
    assert 'name="m0-ulang" value="ganti"' in page and 'name="m0-ulang" value="tambah"' in page
    assert "Pilih apakah pengukuran baru menggantikan yang pertama." in page
    assert KunjunganRumah.objects.count() == 1
    assert _weights(child) == [(Decimal("9.50"), "")]


def test_ganti_voids_the_first_with_the_reason_diganti(client, world, child):
    client.force_login(world.kader_a)
    _post(client, child, "9,5")
    assert _post(client, child, "9,8", **{"m0-ulang": "ganti"}).status_code == 302
    assert _weights(child) == [(Decimal("9.80"), "")]
    assert _weights(child, Pengukuran.all_objects) == [
        (Decimal("9.50"), "diganti"),
        (Decimal("9.80"), ""),
    ]
    assert KunjunganRumah.objects.count() == 2


def test_tambah_keeps_both(client, world, child):
    client.force_login(world.kader_a)
    _post(client, child, "9,5")
    assert _post(client, child, "9,8", **{"m0-ulang": "tambah"}).status_code == 302
    assert _weights(child) == [(Decimal("9.50"), ""), (Decimal("9.80"), "")]


def test_no_question_without_a_measurement_or_on_another_day(client, world, child):
    client.force_login(world.kader_a)
    _post(client, child, "9,5")
    assert _post(client, child, "").status_code == 302  # a checklist-only visit: nothing asked
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert _post(client, child, "9,4", tanggal=yesterday).status_code == 302
    assert _weights(child) == [(Decimal("9.50"), "")]
