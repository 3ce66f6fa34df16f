import uuid
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from posyandu.sasaran.models import Persetujuan, Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.tests.factories import SesiFactory

NIK = "1471011708900003"  # kecamatan 14.71.01 (in the world), man born 17-08-1990


def form_data(world, **extra):
    data = {
        "posyandu": world.posyandu_a.pk,
        "nama": "Bayi Baru",
        "jenis_kelamin": "P",
        "tanggal_lahir": "2026-02-01",
        "nama_ibu": "Rina",
        "persetujuan_oleh": "Rina",
        "persetujuan_hubungan": "ibu",
        "persetujuan_tujuan": ["pelayanan"],
        "punya_buku_kia": "on",
    }
    data.update(extra)
    return data


def test_register_with_consent(client, world):
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world))
    person = Sasaran.objects.get(nama="Bayi Baru")
    assert response.url == reverse("sasaran:detail", args=[person.public_id])
    assert person.desa_id == "14.71.01.1001" and person.nik is None
    consent = Persetujuan.objects.get(sasaran=person)
    assert (consent.diberikan_oleh, consent.hubungan, consent.tujuan) == (
        "Rina",
        "ibu",
        ["pelayanan"],
    )
    assert consent.dicatat_oleh == world.kader_a


def test_register_from_a_session_checks_in(client, world):
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a)
    response = client.post(reverse("sesi:person_new", args=[sesi.public_id]), form_data(world))
    person = Sasaran.objects.get(nama="Bayi Baru")
    k = person.kunjungan.get()
    assert k.sesi == sesi and response.url == reverse("sesi:kunjungan", args=[k.public_id])


def test_bad_nik_names_the_part(client, world):
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world, nik="1471013208900003"))
    assert response.status_code == 200
    assert "Digit 7-8 (32)" in response.content.decode()
    assert not Sasaran.objects.exists()


def test_nik_mismatch_is_a_warning_not_a_rejection(client, world):
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world, nik=NIK), follow=True)
    assert Sasaran.objects.get(nik=NIK).jenis_kelamin == "P"
    assert "NIK milik laki-laki" in response.content.decode()


def test_duplicate_nik_refused_with_link_when_visible(client, world):
    existing = SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK, nama="Ada")
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world, nik=NIK))
    html = response.content.decode()
    assert "NIK ini sudah terdaftar" in html
    assert reverse("sasaran:detail", args=[existing.public_id]) in html
    assert Sasaran.objects.count() == 1


def test_duplicate_nik_elsewhere_does_not_leak(client, world):
    SasaranFactory.create(posyandu=world.posyandu_c, nik=NIK, nama="Rahasia Orang")
    client.force_login(world.kader_a)
    html = client.post(reverse("sasaran:new"), form_data(world, nik=NIK)).content.decode()
    # neither the Posyandu nor the person (issue 16): only that it exists, and how to ask
    assert "Posyandu Kenanga" not in html and "Rahasia Orang" not in html
    assert reverse("sasaran:pindah_masuk") in html
    assert Sasaran.objects.count() == 1


def test_database_refuses_a_second_live_nik(world):
    SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK)
    with pytest.raises(IntegrityError), transaction.atomic():
        SasaranFactory.create(posyandu=world.posyandu_b, nik=NIK)


def test_likely_duplicate_shown_before_saving(client, world):
    SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Bayi Baru", tanggal_lahir=date(2026, 2, 1)
    )
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world))
    assert "mungkin sudah terdaftar" in response.content.decode()
    assert Sasaran.objects.count() == 1
    client.post(reverse("sasaran:new"), form_data(world, konfirmasi_bukan_duplikat="on"))
    assert Sasaran.objects.count() == 2


@pytest.mark.parametrize("name", ["sasaran:detail", "sasaran:merge", "sesi:kartu"])
def test_kader_of_another_posyandu_gets_404(client, world, name):
    person = SasaranFactory.create(posyandu=world.posyandu_a2)  # same desa, other Posyandu
    client.force_login(world.kader_a)
    assert client.get(reverse(name, args=[person.public_id])).status_code == 404
    assert client.get(reverse("sesi:chart", args=[person.public_id, "bbu"])).status_code == 404
    assert client.get(f"/api/v1/sasaran/{person.public_id}").status_code == 404


def test_search_is_scoped(client, world):
    SasaranFactory.create(posyandu=world.posyandu_a, nama="Sari Mine")
    SasaranFactory.create(posyandu=world.posyandu_a2, nama="Sari Other")
    client.force_login(world.kader_a)
    html = client.get(reverse("sasaran:list"), {"q": "sari"}).content.decode()
    assert "Sari Mine" in html and "Sari Other" not in html
    api = client.get("/api/v1/sasaran", {"q": "sari"}).json()
    assert [p["nama"] for p in api["items"]] == ["Sari Mine"]


def test_bidan_merges_in_the_browser_flow(client, world):
    keep = SasaranFactory.create(posyandu=world.posyandu_a, nama="Rizky")
    dup = SasaranFactory.create(posyandu=world.posyandu_a, nama="Rizki")
    client.force_login(world.kader_a)
    assert client.get(reverse("sasaran:merge", args=[keep.public_id])).status_code == 404
    client.force_login(world.bidan_1)
    page = client.get(reverse("sasaran:merge", args=[keep.public_id]), {"lainnya": dup.public_id})
    assert "Rizki" in page.content.decode()
    client.post(
        reverse("sasaran:merge", args=[keep.public_id]), {"lainnya": dup.public_id, "yakin": "1"}
    )
    assert Sasaran.objects.get(pk=dup.pk).digabung_ke_id == keep.pk


def test_api_create_is_idempotent_and_scoped(client, world):
    client.force_login(world.kader_a)
    key = uuid.uuid4()
    body = {
        "id": str(key),
        "posyandu_id": str(world.posyandu_a.public_id),
        "nama": "Api Anak",
        "jenis_kelamin": "L",
        "tanggal_lahir": "1990-08-18",
        "nik": NIK,
        "persetujuan_oleh": "Ibu",
    }
    first = client.post("/api/v1/sasaran", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["sasaran"]["id"] == str(key)
    assert len(first.json()["warnings"]) == 1  # birth date differs from the NIK
    again = client.post("/api/v1/sasaran", body, content_type="application/json")
    assert again.status_code == 200 and Sasaran.objects.count() == 1
    other = dict(body, id=str(uuid.uuid4()), posyandu_id=str(world.posyandu_a2.public_id), nik=None)
    assert client.post("/api/v1/sasaran", other, content_type="application/json").status_code == 404
    dup = dict(body, id=str(uuid.uuid4()))
    assert client.post("/api/v1/sasaran", dup, content_type="application/json").status_code == 409
    bad = dict(body, id=str(uuid.uuid4()), nik="1471014008900003")
    response = client.post("/api/v1/sasaran", bad, content_type="application/json")
    assert response.status_code == 422 and "7-8" in response.json()["detail"]


def test_a_birth_date_in_the_future_is_refused(client, world):
    """It used to be saved, and then the visit page and the person page failed (500)."""
    from datetime import timedelta

    from django.utils import timezone

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a)
    url = reverse("sesi:person_new", args=[sesi.public_id])
    response = client.post(url, form_data(world, tanggal_lahir=tomorrow))
    assert response.status_code == 200
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert f"Tanggal lahir tidak boleh setelah hari ini ({today})." in response.content.decode()
    assert not Sasaran.objects.exists()
    body = {
        "posyandu_id": str(world.posyandu_a.public_id),
        "nama": "Api Anak",
        "jenis_kelamin": "L",
        "tanggal_lahir": tomorrow,
        "persetujuan_oleh": "Ibu",
    }
    response = client.post("/api/v1/sasaran", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == f"Tanggal lahir tidak boleh setelah hari ini ({today})."
    assert not Sasaran.objects.exists()
