"""Issue 16: bulk reads of personal data are bounded and audited (who, what, how many rows),
and the NIK is masked where the full number is not needed (its "show" is audited)."""

from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.tests.factories import SesiFactory

NIK = "1471011708900003"


def reads(what: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="read", metadata__what=what).order_by("id"))


def test_api_list_is_bounded_audited_and_masks_the_nik(client, world):
    SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK)
    SasaranFactory.create_batch(4, posyandu=world.posyandu_a)
    client.force_login(world.kader_a)
    assert client.get("/api/v1/sasaran", {"limit": 100000}).status_code == 422
    assert not AuditEvent.objects.filter(action="read").exists()
    body = client.get("/api/v1/sasaran", {"limit": 500}).json()
    assert body["count"] == 5
    assert NIK not in str(body) and "1471********0003" in str(body)
    (event,) = reads("api:/api/v1/sasaran")
    assert event.actor == world.kader_a and event.metadata["rows"] == 5
    assert event.model == "sasaran.Sasaran" and event.metadata["via"] == "api"


def test_api_detail_gives_the_full_nik_and_is_audited(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK)
    client.force_login(world.kader_a)
    assert client.get(f"/api/v1/sasaran/{person.public_id}").json()["nik"] == NIK
    (event,) = reads("api:sasaran.detail")
    assert event.object_id == str(person.public_id) and event.metadata["nik_shown"] is True


def test_person_list_page_is_audited_with_its_rows(client, world):
    SasaranFactory.create_batch(3, posyandu=world.posyandu_a)
    client.force_login(world.kader_a)
    client.get(reverse("sasaran:list"))
    (event,) = reads("sasaran.list")
    assert event.actor == world.kader_a and event.metadata["rows"] == 3


def test_person_page_masks_the_nik_and_show_is_audited(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK)
    client.force_login(world.kader_a)
    page = client.get(reverse("sasaran:detail", args=[person.public_id])).content.decode()
    assert NIK not in page and "1471********0003" in page
    url = reverse("sasaran:nik_show", args=[person.public_id])
    response = client.post(url)
    assert response.content.decode() == NIK and "no-store" in response["Cache-Control"]
    (event,) = reads("sasaran.nik_shown")
    assert event.actor == world.kader_a and event.object_id == str(person.public_id)
    # out of scope: 404, nothing shown, nothing logged as shown
    client.force_login(world.kader_s)
    assert client.post(url).status_code == 404
    assert len(reads("sasaran.nik_shown")) == 1


def test_printable_register_and_kms_card_are_audited(client, world):
    child = SasaranFactory.create(posyandu=world.posyandu_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a)
    client.force_login(world.kader_a)
    assert client.get(reverse("sesi:register", args=[sesi.public_id])).status_code == 200
    (register,) = reads("sesi.register")
    assert register.actor == world.kader_a and register.object_id == str(sesi.public_id)
    assert register.metadata["rows"] >= 1
    assert client.get(reverse("sesi:kartu", args=[child.public_id])).status_code == 200
    (card,) = reads("sesi.kms_card")
    assert card.object_id == str(child.public_id) and card.metadata["rows"] == 1


def test_task_print_list_is_audited(client, world):
    client.force_login(world.kader_a)
    assert client.get(reverse("tugas:print")).status_code == 200
    (event,) = reads("tugas.print")
    assert event.actor == world.kader_a and event.metadata["rows"] == 0


def test_sip_register_page_is_audited(client, world):
    client.force_login(world.kader_a)
    url = reverse("laporan:sip", args=[world.posyandu_a.public_id, 1])
    assert client.get(url).status_code == 200
    (event,) = reads("laporan.sip1")
    assert event.actor == world.kader_a and event.wilayah_kode == world.posyandu_a.desa_id
