"""Pokjanal workspace forms: who writes, who reads, what is stored and audited."""

import pytest
from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.pokjanal.models import Anggota, KunjunganPembinaan, ProgramOpd, Rapat, TindakLanjut

pytestmark = pytest.mark.django_db
KEC = "14.71.01"


def post(client, user, url, data, htmx=False):
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data, **headers)


def test_member_meeting_and_action_item(client, world):
    url = reverse("pokjanal:create", args=[KEC, "anggota"])
    page = post(
        client, world.pokjanal_kec, url, {"nama": "Sekcam", "opd": "Kecamatan", "aktif": "on"}
    )
    assert page.status_code == 302
    sekcam = Anggota.objects.get(nama="Sekcam")
    assert sekcam.wilayah_id == KEC
    assert AuditEvent.objects.filter(model="pokjanal.Anggota", action="create").exists()
    rapat_url = reverse("pokjanal:create", args=[KEC, "rapat"])
    data: dict[str, object] = {"tanggal": "2025-05-02", "judul": "Rakor Mei", "notulen": "Bahas 2T",
            "keputusan": "PMT untuk 2T", "hadir": [sekcam.pk]}  # fmt: skip
    page = post(client, world.pokjanal_kec, rapat_url, data, htmx=True)
    assert page.status_code == 204 and page["HX-Redirect"] == reverse(
        "pokjanal:workspace", args=[KEC]
    )
    rapat = Rapat.objects.get(judul="Rakor Mei")
    assert list(rapat.hadir.all()) == [sekcam]
    tindak_url = reverse("pokjanal:create", args=[KEC, "tindak"]) + f"?rapat={rapat.public_id}"
    data = {
        "uraian": "Ajukan PMT ke Dinsos",
        "penanggung_jawab": sekcam.pk,
        "batas_waktu": "2025-05-31",
    }
    assert post(client, world.pokjanal_kec, tindak_url, data).status_code == 302
    item = TindakLanjut.objects.get()
    assert (item.rapat, item.penanggung_jawab, str(item.batas_waktu)) == (
        rapat,
        sekcam,
        "2025-05-31",
    )
    edit = reverse("pokjanal:edit", args=[KEC, "tindak", item.public_id])
    data["selesai"] = "2025-05-20"
    assert post(client, world.pokjanal_kec, edit, data).status_code == 302
    item.refresh_from_db()
    assert str(item.selesai) == "2025-05-20"
    assert AuditEvent.objects.filter(model="pokjanal.TindakLanjut", action="update").exists()
    html = client.get(reverse("pokjanal:workspace", args=[KEC])).content.decode()
    assert "Rakor Mei" in html and edit in html


def test_program_must_target_a_posyandu_of_its_desa(client, world):
    url = reverse("pokjanal:create", args=[KEC, "program"])
    data = {"opd": "Dinas Sosial", "nama": "PMT lokal", "desa": "14.71.01.1002",
            "posyandu": world.posyandu_a.pk, "status": "berjalan"}  # fmt: skip
    page = post(client, world.pokjanal_kota, url, data, htmx=True)
    assert page.status_code == 400 and ProgramOpd.objects.count() == 0
    assert 'role="alert"' in page.content.decode()
    data["desa"] = "14.71.01.1001"
    assert post(client, world.pokjanal_kota, url, data).status_code == 302
    assert ProgramOpd.objects.get().posyandu == world.posyandu_a
    # A Posyandu of another kecamatan is not a choice in this workspace.
    data.update(desa="14.71.02.1001", posyandu=world.posyandu_c.pk)
    assert post(client, world.pokjanal_kec, url, data).status_code == 400


def test_pembinaan_checklist_is_stored_as_data(client, world):
    url = reverse("pokjanal:create", args=[KEC, "pembinaan"])
    data = {
        "posyandu": world.posyandu_a.pk,
        "tanggal": "2025-05-10",
        "temuan": "Timbangan rusak",
        "tindak_lanjut": "Ganti timbangan",
        "cek_kader_5": "on",
        "cek_jadwal_rutin": "on",
    }
    assert post(client, world.pokjanal_kec, url, data).status_code == 302
    visit = KunjunganPembinaan.objects.get()
    assert visit.checklist["kader_5"] is True and visit.checklist["alat_ukur"] is False
    assert visit.checklist["_versi"] == "2025.1" and len(visit.checklist) == 11
    form = client.get(reverse("pokjanal:edit", args=[KEC, "pembinaan", visit.public_id]))
    assert form.status_code == 200 and "checked" in form.content.decode()


def test_readers_and_outsiders(client, world):
    member = Anggota.objects.create(wilayah_id=KEC, nama="Lurah", opd="Kelurahan")
    create = reverse("pokjanal:create", args=[KEC, "anggota"])
    edit = reverse("pokjanal:edit", args=[KEC, "anggota", member.public_id])
    # Dinkes of the city reads the workspace (aggregate scope) but may not write.
    client.force_login(world.dinkes_kota)
    assert client.get(reverse("pokjanal:workspace", args=[KEC])).status_code == 200
    assert client.get(create).status_code == 403 and client.get(edit).status_code == 403
    assert (
        "pokjanal:create"
        not in client.get(reverse("pokjanal:workspace", args=[KEC])).content.decode()
    )
    # The Pokjanal of the kecamatan does not see another kecamatan's workspace or forms.
    client.force_login(world.pokjanal_kec)
    assert client.get(reverse("pokjanal:create", args=["14.71.02", "anggota"])).status_code == 404
    other = Anggota.objects.create(wilayah_id="14.71.02", nama="Lain", opd="X")
    assert (
        client.get(reverse("pokjanal:edit", args=[KEC, "anggota", other.public_id])).status_code
        == 404
    )
    assert client.get(reverse("pokjanal:create", args=[KEC, "bogus"])).status_code == 404
    # A kader has no aggregate scope over the kecamatan: 404.
    client.force_login(world.kader_a)
    assert client.get(create).status_code == 404
    # The kab/kota Pokjanal writes in its kecamatan; admin anywhere.
    for user in (world.pokjanal_kota, world.admin):
        assert post(client, user, create, {"nama": f"N {user.pk}", "opd": "X"}).status_code == 302


def test_a_stale_edit_shows_both_values_and_overwrites_nothing(client, world):
    """Two members edit one member record from the same version: the second sees the conflict."""
    client.force_login(world.pokjanal_kec)
    new = {"nama": "Sekcam", "opd": "Kecamatan", "aktif": "on"}
    client.post(reverse("pokjanal:create", args=[KEC, "anggota"]), new)
    member = Anggota.objects.get(nama="Sekcam")
    edit = reverse("pokjanal:edit", args=[KEC, "anggota", member.public_id])
    form = client.get(edit).content.decode()
    assert f'name="version" value="{member.version}"' in form
    first = {"nama": "Sekretaris Camat", "opd": "Kecamatan", "aktif": "on", "version": 1}
    assert client.post(edit, first).status_code == 302
    stale = {"nama": "Sekcam Lama", "opd": "Kecamatan", "aktif": "on", "version": 1}
    page = client.post(edit, stale)
    assert page.status_code == 409
    assert "Sekretaris Camat" in page.content.decode() and "Sekcam Lama" in page.content.decode()
    member.refresh_from_db()
    assert (member.nama, member.version) == ("Sekretaris Camat", 2)
    htmx = client.post(edit, stale, HTTP_HX_REQUEST="true")
    assert (htmx.status_code, htmx["HX-Retarget"]) == (200, "body")
