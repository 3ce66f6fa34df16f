"""Double submits save once (issue 11, section 6): the same idempotency key, from a form's
hidden field or the API's Idempotency-Key header, runs the create once; every repeat gets
the first answer back."""

import threading
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posyandu.core.models import IdempotencyKey
from posyandu.imunisasi.models import Imunisasi
from posyandu.kia.models import KunjunganAnc
from posyandu.kia.services import pregnancy_register
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sasaran.tests.test_views import form_data
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(world):
    baby = SasaranFactory.create(
        posyandu=world.posyandu_a,
        tanggal_lahir=timezone.localdate() - timedelta(days=70),
        jenis_kelamin="L",
    )
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=timezone.localdate())
    return KunjunganFactory.create(sesi=sesi, sasaran=baby)


def test_the_registration_form_carries_a_new_key_each_time(client, world):
    client.force_login(world.kader_a)
    first = client.get(reverse("sasaran:new")).content.decode()
    second = client.get(reverse("sasaran:new")).content.decode()
    marker = 'name="idempotency_key" value="'
    assert marker in first and marker in second
    key_1 = first.split(marker)[1][:36]
    key_2 = second.split(marker)[1][:36]
    assert uuid.UUID(key_1) != uuid.UUID(key_2)


def test_the_same_registration_posted_five_times_registers_one_person(client, world):
    client.force_login(world.kader_a)
    data = form_data(world, idempotency_key=str(uuid.uuid4()))
    responses = [client.post(reverse("sasaran:new"), data) for _ in range(5)]
    person = Sasaran.objects.get()
    assert {r.status_code for r in responses} == {302}
    assert {r.url for r in responses} == {reverse("sasaran:detail", args=[person.public_id])}
    assert [r.headers.get("Idempotent-Replayed") for r in responses] == [None] + ["true"] * 4


def test_registration_at_a_session_posted_twice_checks_in_once(client, world):
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a)
    data = form_data(world, idempotency_key="k-1")
    url = reverse("sesi:person_new", args=[sesi.public_id])
    first, second = client.post(url, data), client.post(url, data)
    person = Sasaran.objects.get()
    assert person.kunjungan.count() == 1 and first.url == second.url


def test_a_new_key_is_a_new_registration(client, world):
    """Two forms rendered for two babies of the same name are two registrations."""
    client.force_login(world.kader_a)
    for key in ("a", "b"):
        data = form_data(world, idempotency_key=key, konfirmasi_bukan_duplikat="on")
        client.post(reverse("sasaran:new"), data)
    assert Sasaran.objects.count() == 2


def test_a_refused_form_answers_the_same_and_saves_nothing(client, world):
    client.force_login(world.kader_a)
    data = form_data(world, nama="", idempotency_key="k-2")
    first, second = (client.post(reverse("sasaran:new"), data) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert not Sasaran.objects.exists()


def test_a_double_posted_measurement_saves_one_row(client, world, visit):
    client.force_login(world.kader_a)
    url = reverse("sesi:kunjungan", args=[visit.public_id])
    page = client.get(url).content.decode()
    assert 'hx-params="not idempotency_key"' in page  # the live preview never claims it
    data = {"berat_kg": "5,5", "tinggi_cm": "58,4", "cara_ukur": "terlentang"}
    data["idempotency_key"] = str(uuid.uuid4())
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Pengukuran.objects.count() == 1


def test_a_double_posted_referral_dose_and_anc_visit_save_once(client, world, visit):
    client.force_login(world.kader_a)
    person = visit.sasaran
    posts = [
        (reverse("rujukan:new", args=[person.public_id]), {"alasan": "x", "tujuan": "puskesmas"}),
        (
            reverse("imunisasi:record", args=[person.public_id]),
            {"vaksin": "BCG", "tanggal_diberikan": (timezone.localdate()).isoformat()},
        ),
    ]
    for url, data in posts:
        data["idempotency_key"] = str(uuid.uuid4())
        first, second = client.post(url, data), client.post(url, data)
        assert first.status_code == second.status_code
        assert first.content == second.content
    assert Rujukan.objects.count() == 1
    assert Imunisasi.objects.count() == 1


def test_the_same_key_on_another_address_is_refused(client, world, visit):
    client.force_login(world.kader_a)
    person = visit.sasaran
    data = {"alasan": "x", "tujuan": "puskesmas", "idempotency_key": "k-3"}
    client.post(reverse("rujukan:new", args=[person.public_id]), data)
    response = client.post(reverse("sasaran:new"), form_data(world, idempotency_key="k-3"))
    assert response.status_code == 422
    assert not Sasaran.objects.exclude(pk=person.pk).exists()


def test_a_key_is_the_users_own(client, world):
    """Another user's key never replays that user's answer."""
    client.force_login(world.kader_a)
    client.post(reverse("sasaran:new"), form_data(world, idempotency_key="k-4"))
    client.force_login(world.bidan_1)
    data = form_data(world, idempotency_key="k-4", konfirmasi_bukan_duplikat="on")
    response = client.post(reverse("sasaran:new"), data)
    assert "Idempotent-Replayed" not in response.headers
    assert Sasaran.objects.count() == 2
    assert IdempotencyKey.objects.filter(key="k-4").count() == 2


def test_a_garbage_key_is_refused_with_a_message(client, world):
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world, idempotency_key="x" * 101))
    assert response.status_code == 400 and not Sasaran.objects.exists()


def test_the_api_replays_a_create_with_the_same_idempotency_key(client, world, visit):
    client.force_login(world.kader_a)
    body = {"sasaran_id": str(visit.sasaran.public_id), "alasan": "BB/U < -3 SD"}
    headers = {"Idempotency-Key": "api-1"}
    first = client.post("/api/v1/rujukan", body, content_type="application/json", headers=headers)
    second = client.post("/api/v1/rujukan", body, content_type="application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Rujukan.objects.count() == 1


def test_the_api_anc_visit_is_saved_once(client, world):
    mother = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=date(1998, 1, 1)
    )
    today = timezone.localdate()
    kehamilan = pregnancy_register(
        sasaran=mother, tanggal_daftar=today, by=None, hpht=today - timedelta(days=70)
    )
    client.force_login(world.kader_a)
    url = f"/api/v1/kia/kehamilan/{kehamilan.public_id}/anc"
    body = {"tanggal": timezone.localdate().isoformat()}
    headers = {"Idempotency-Key": "anc-1"}
    first = client.post(url, body, content_type="application/json", headers=headers)
    second = client.post(url, body, content_type="application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert KunjunganAnc.objects.filter(kehamilan=kehamilan).count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_registrations_at_once_register_one_person(world):
    """On PostgreSQL five threads, each with its own database connection, post the same form
    at once; the first claims the key, the others wait for its answer and replay it."""
    data = form_data(world, idempotency_key=str(uuid.uuid4()))
    results: list[int] = []

    def post() -> None:
        c = Client()
        c.force_login(world.kader_a)
        try:
            results.append(c.post(reverse("sasaran:new"), data).status_code)
        finally:
            connection.close()

    if connection.vendor != "postgresql":  # the in-memory SQLite test database is one
        for _ in range(5):  # connection's: the five posts run one after another
            c = Client()
            c.force_login(world.kader_a)
            results.append(c.post(reverse("sasaran:new"), data).status_code)
    else:
        threads = [threading.Thread(target=post) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [302] * 5
    assert Sasaran.objects.count() == 1
