"""Issue 16: the national NIK lookup reveals nothing outside the user's scope, is rate limited
and audited; a person registered elsewhere moves in through a transfer request the bidan of
their Posyandu decides."""

from django.test import override_settings
from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.models import PermintaanPindah, Sasaran
from posyandu.sasaran.nik import mask_nik
from posyandu.sasaran.tests.factories import KeluargaFactory, SasaranFactory

NIK = "1471011708900003"
OTHERS = [f"14710117089{i:05d}" for i in range(1, 6)]


def form_data(world, **extra):
    data = {
        "posyandu": world.posyandu_s.pk,
        "nama": "Budi",
        "jenis_kelamin": "L",
        "tanggal_lahir": "1990-08-17",
        "persetujuan_oleh": "Budi",
        "persetujuan_hubungan": "diri sendiri",
        "persetujuan_tujuan": ["pelayanan"],
    }
    data.update(extra)
    return data


def seluma_kader_tries(client, world, nik):
    client.force_login(world.kader_s)
    return client.post(reverse("sasaran:new"), form_data(world, nik=nik)).content.decode()


def test_registering_a_nik_of_another_region_names_no_posyandu_and_is_audited(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK, nama="Rahasia Orang")
    html = seluma_kader_tries(client, world, NIK)
    assert world.posyandu_a.nama not in html
    assert "Rahasia Orang" not in html and str(person.public_id) not in html
    assert reverse("sasaran:pindah_masuk") in html
    event = AuditEvent.objects.get(action="nik_lookup")
    assert event.actor == world.kader_s
    assert event.metadata["found"] == "elsewhere" and event.metadata["nik"] == "1471********0003"
    # the event belongs to the looked-up person's region: their auditors see who asked
    assert event.object_id == str(person.public_id)
    assert event.wilayah_kode == world.posyandu_a.desa_id
    assert Sasaran.objects.count() == 1


def test_api_409_reveals_nothing_outside_scope_and_is_audited(client, world):
    SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK, nama="Rahasia Orang")
    client.force_login(world.kader_s)
    body = {
        "posyandu_id": str(world.posyandu_s.public_id),
        "nama": "Budi",
        "jenis_kelamin": "L",
        "tanggal_lahir": "1990-08-17",
        "nik": NIK,
        "persetujuan_oleh": "Budi",
    }
    response = client.post("/api/v1/sasaran", body, content_type="application/json")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert world.posyandu_a.nama not in detail and "Rahasia" not in detail
    assert "pindah masuk" in detail
    assert AuditEvent.objects.filter(action="nik_lookup", actor=world.kader_s).count() == 1


@override_settings(NIK_LOOKUP_RATES=["3/10m"])
def test_nik_lookups_are_rate_limited_per_user(client, world):
    for nik in OTHERS:
        SasaranFactory.create(posyandu=world.posyandu_a, nik=nik)
    found = []
    for nik in OTHERS:
        html = seluma_kader_tries(client, world, nik)
        found.append("pindah-masuk" in html)
    # three answers, then the limit: the rest say "too many", not whether the NIK exists
    assert found == [True, True, True, False, False]
    assert "Terlalu banyak pemeriksaan NIK" in html
    events = AuditEvent.objects.filter(action="nik_lookup").order_by("id")
    assert [e.metadata["found"] for e in events] == ["elsewhere"] * 3 + ["limited"] * 2


def test_a_nik_in_scope_links_to_the_person(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK, nama="Tetangga")
    client.force_login(world.kader_a)
    data = form_data(world, nik=NIK, posyandu=world.posyandu_a.pk)
    html = client.post(reverse("sasaran:new"), data).content.decode()
    assert reverse("sasaran:detail", args=[person.public_id]) in html
    assert AuditEvent.objects.get(action="nik_lookup").metadata["found"] == "visible"


def request_transfer(client, world, nik=NIK, **extra):
    client.force_login(world.kader_s)
    data = {"nik": nik, "nama": "Budi", "ke_posyandu": world.posyandu_s.pk, "alasan": "pindah"}
    data.update(extra)
    return client.post(reverse("sasaran:pindah_masuk"), data)


def test_transfer_request_approved_by_the_bidan_moves_the_person(client, world):
    household = KeluargaFactory.create(posyandu=world.posyandu_a)
    person = SasaranFactory.create(
        posyandu=world.posyandu_a, nik=NIK, nama="Budi Santoso", keluarga=household
    )
    response = request_transfer(client, world)
    assert response.status_code == 302
    permintaan = PermintaanPindah.objects.get()
    assert permintaan.ke_posyandu == world.posyandu_s and permintaan.sasaran == person
    # the requester's list shows what they typed, never where the person is
    page = client.get(reverse("sasaran:pindah_masuk")).content.decode()
    assert "Budi" in page and world.posyandu_a.nama not in page and "Budi Santoso" not in page
    # the kader of Seluma cannot decide (the request is not in their scope)
    decide = reverse("sasaran:pindah_decide", args=[permintaan.public_id])
    assert client.post(decide, {"keputusan": "setujui"}).status_code == 404
    # nor can the kader of the person's own Posyandu (bidan, Puskesmas or admin only)
    client.force_login(world.kader_a)
    assert "Budi Santoso" in client.get(reverse("sasaran:pindah_list")).content.decode()
    assert client.post(decide, {"keputusan": "setujui"}).status_code == 404
    # the bidan of the person's desa approves
    client.force_login(world.bidan_1)
    assert "Budi Santoso" in client.get(reverse("sasaran:pindah_list")).content.decode()
    assert client.post(decide, {"keputusan": "setujui", "catatan": "ok"}).status_code == 302
    person.refresh_from_db()
    permintaan.refresh_from_db()
    assert person.posyandu == world.posyandu_s and person.desa_id == world.posyandu_s.desa_id
    assert person.keluarga is None
    assert permintaan.status == "disetujui" and permintaan.diputuskan_oleh == world.bidan_1
    moved = AuditEvent.objects.get(action="transfer", metadata__step="approved")
    assert moved.actor == world.bidan_1 and moved.object_id == str(person.public_id)
    # now the requester sees the person; a second decision is refused
    client.force_login(world.kader_s)
    url = reverse("sasaran:detail", args=[person.public_id])
    assert client.get(url).status_code == 200
    client.force_login(world.bidan_1)
    client.post(decide, {"keputusan": "tolak"})
    permintaan.refresh_from_db()
    person.refresh_from_db()
    assert permintaan.status == "disetujui" and person.posyandu == world.posyandu_s


def test_refused_transfer_leaves_the_person(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK)
    request_transfer(client, world)
    permintaan = PermintaanPindah.objects.get()
    client.force_login(world.puskesmas_staff)
    decide = reverse("sasaran:pindah_decide", args=[permintaan.public_id])
    client.post(decide, {"keputusan": "tolak", "catatan": "bukan orang yang sama"})
    person.refresh_from_db()
    permintaan.refresh_from_db()
    assert person.posyandu == world.posyandu_a and permintaan.status == "ditolak"
    client.force_login(world.kader_s)
    page = client.get(reverse("sasaran:pindah_masuk")).content.decode()
    assert "bukan orang yang sama" in page
    assert client.get(reverse("sasaran:detail", args=[person.public_id])).status_code == 404


def test_transfer_request_for_an_unknown_nik_says_no_more(client, world):
    response = request_transfer(client, world, nik=OTHERS[0])
    assert response.status_code == 200
    assert not PermintaanPindah.objects.exists()
    assert AuditEvent.objects.get(action="nik_lookup").metadata["found"] == "none"


def test_a_repeated_request_is_not_duplicated(client, world):
    SasaranFactory.create(posyandu=world.posyandu_a, nik=NIK)
    request_transfer(client, world)
    request_transfer(client, world)
    assert PermintaanPindah.objects.count() == 1
    assert AuditEvent.objects.filter(action="nik_lookup").count() == 2


def test_mask():
    assert mask_nik(NIK) == "1471********0003"
    assert mask_nik("") == "" and mask_nik(None) == ""
