"""Editing a person, status changes (pindah / meninggal) and households."""

from datetime import date

import pytest
from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.models import Keluarga, Sasaran
from posyandu.sasaran.services import StatusError, sasaran_status_set
from posyandu.sasaran.tests.factories import KeluargaFactory, SasaranFactory

NIK_MAN = "1471011708900003"  # kecamatan 14.71.01, man born 17-08-1990
NIK_WOMAN = "1471015708900003"  # same, day + 40: a woman born 17-08-1990


def edit_data(person, **extra):
    data = {
        "posyandu": person.posyandu_id,
        "nama": person.nama,
        "jenis_kelamin": person.jenis_kelamin,
        "tanggal_lahir": person.tanggal_lahir.isoformat(),
        "nama_ibu": person.nama_ibu,
        "punya_buku_kia": "on",
    }
    data.update(extra)
    return data


@pytest.fixture
def budi(world):
    return SasaranFactory.create(
        nama="Budi", posyandu=world.posyandu_a, tanggal_lahir=date(1990, 8, 17), jenis_kelamin="L"
    )


def test_edit_saves_and_is_audited(client, world, budi):
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    response = client.post(url, edit_data(budi, nama="Budi Santoso", nik=NIK_MAN, telepon="0812"))
    assert response.url == reverse("sasaran:detail", args=[budi.public_id])
    budi.refresh_from_db()
    assert (budi.nama, budi.nik, budi.telepon) == ("Budi Santoso", NIK_MAN, "0812")
    assert budi.version == 2
    assert AuditEvent.objects.filter(object_id=str(budi.public_id), action="update").exists()


def test_edit_bad_nik_names_the_part(client, world, budi):
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    response = client.post(url, edit_data(budi, nik="1471013208900003"))
    assert response.status_code == 200
    assert "Digit 7-8 (32)" in response.content.decode()
    budi.refresh_from_db()
    assert budi.nik is None


def test_edit_nik_sex_mismatch_is_a_warning_not_a_rejection(client, world, budi):
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    response = client.post(url, edit_data(budi, nik=NIK_WOMAN), follow=True)
    budi.refresh_from_db()
    assert budi.nik == NIK_WOMAN  # saved
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_edit_keeps_own_nik_but_refuses_anothers(client, world, budi):
    SasaranFactory.create(nama="Lain", posyandu=world.posyandu_a, nik=NIK_WOMAN, jenis_kelamin="P")
    budi.nik = NIK_MAN
    budi.save()
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    assert client.post(url, edit_data(budi, nik=NIK_MAN)).status_code == 302  # own NIK is fine
    response = client.post(url, edit_data(budi, nik=NIK_WOMAN))
    assert response.status_code == 200
    assert "already registered" in response.content.decode() or "sudah terdaftar" in (
        response.content.decode()
    )
    budi.refresh_from_db()
    assert budi.nik == NIK_MAN


def test_edit_likely_duplicate_shown_then_confirmed(client, world, budi):
    SasaranFactory.create(
        nama="Siti Aminah", posyandu=world.posyandu_a, tanggal_lahir=date(2025, 3, 1)
    )
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    data = edit_data(budi, nama="Siti", tanggal_lahir="2025-03-01")
    response = client.post(url, data)
    assert response.status_code == 200 and len(response.context["duplicates"]) == 1
    budi.refresh_from_db()
    assert budi.nama == "Budi"
    response = client.post(url, data | {"konfirmasi_bukan_duplikat": "on"})
    budi.refresh_from_db()
    assert response.status_code == 302 and budi.nama == "Siti"


def test_edit_without_identity_change_does_not_nag_about_duplicates(client, world, budi):
    SasaranFactory.create(nama="Budi", posyandu=world.posyandu_a, tanggal_lahir=budi.tanggal_lahir)
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    assert client.post(url, edit_data(budi, telepon="0813")).status_code == 302


def test_bidan_moves_person_to_another_posyandu_of_her_desa(client, world, budi):
    client.force_login(world.bidan_1)
    url = reverse("sasaran:edit", args=[budi.public_id])
    client.post(url, edit_data(budi, posyandu=world.posyandu_a2.pk))
    budi.refresh_from_db()
    assert budi.posyandu == world.posyandu_a2 and budi.desa_id == "14.71.01.1001"


def test_kader_cannot_move_person_outside_her_posyandu(client, world, budi):
    client.force_login(world.kader_a)
    url = reverse("sasaran:edit", args=[budi.public_id])
    response = client.post(url, edit_data(budi, posyandu=world.posyandu_c.pk))
    assert response.status_code == 200 and "posyandu" in response.context["form"].errors
    budi.refresh_from_db()
    assert budi.posyandu == world.posyandu_a


def test_kader_of_another_posyandu_gets_404(client, world, budi):
    client.force_login(world.kader_s)
    for name in ("sasaran:edit", "sasaran:status"):
        url = reverse(name, args=[budi.public_id])
        assert client.get(url).status_code == 404
        assert client.post(url, edit_data(budi, nama="X")).status_code == 404
    budi.refresh_from_db()
    assert budi.nama == "Budi"


# --- status -----------------------------------------------------------------------------


def test_status_meninggal_with_date(client, world, budi):
    client.force_login(world.kader_a)
    url = reverse("sasaran:status", args=[budi.public_id])
    response = client.post(url, {"status": "meninggal", "sejak": "2026-01-05"})
    assert response.status_code == 302
    budi.refresh_from_db()
    assert (budi.status, budi.status_sejak) == ("meninggal", date(2026, 1, 5))


def test_status_pindah_needs_a_date(client, world, budi):
    client.force_login(world.kader_a)
    url = reverse("sasaran:status", args=[budi.public_id])
    response = client.post(url, {"status": "pindah", "sejak": ""})
    assert response.status_code == 200 and response.context["form"].errors["sejak"]
    budi.refresh_from_db()
    assert budi.status == "aktif"


@pytest.mark.parametrize(
    ("sejak", "ok"),
    [
        (date(1990, 8, 16), False),  # the day before birth
        (date(1990, 8, 17), True),  # the birth date itself
        (date(2026, 3, 10), True),  # today
        (date(2026, 3, 11), False),  # tomorrow
    ],
)
def test_status_date_bounds(world, budi, sejak, ok):
    if ok:
        sasaran_status_set(sasaran=budi, status="pindah", sejak=sejak, today=date(2026, 3, 10))
        assert budi.status_sejak == sejak
    else:
        with pytest.raises(StatusError):
            sasaran_status_set(sasaran=budi, status="pindah", sejak=sejak, today=date(2026, 3, 10))


def test_status_back_to_active_clears_date(world, budi):
    sasaran_status_set(
        sasaran=budi, status="pindah", sejak=date(2026, 1, 1), today=date(2026, 3, 1)
    )
    sasaran_status_set(sasaran=budi, status="aktif", sejak=date(2026, 2, 1), today=date(2026, 3, 1))
    assert (budi.status, budi.status_sejak) == ("aktif", None)


def test_merged_record_status_cannot_change(world, budi):
    budi.status = Sasaran.Status.DIGABUNG
    with pytest.raises(StatusError):
        sasaran_status_set(sasaran=budi, status="aktif", sejak=None)


# --- households ---------------------------------------------------------------------------


def test_household_list_is_scoped(client, world):
    KeluargaFactory.create(kepala_keluarga="Pak Ahmad", posyandu=world.posyandu_a)
    KeluargaFactory.create(kepala_keluarga="Pak Seluma", posyandu=world.posyandu_s)
    client.force_login(world.kader_a)
    body = client.get(reverse("sasaran:keluarga_list")).content.decode()
    assert "Pak Ahmad" in body and "Pak Seluma" not in body
    body = client.get(reverse("sasaran:keluarga_list"), {"q": "zzz"}).content.decode()
    assert "Pak Ahmad" not in body


def test_household_edit_address_and_members(client, world, budi):
    keluarga = KeluargaFactory.create(kepala_keluarga="Pak Ahmad", posyandu=world.posyandu_a)
    client.force_login(world.kader_a)
    url = reverse("sasaran:keluarga_detail", args=[keluarga.public_id])
    data = {"aksi": "alamat", "kepala_keluarga": "Pak Ahmad", "dusun": "Dusun II", "rt": "003"}
    assert client.post(url, data | {"rw": "001", "no_kk": ""}).status_code == 302
    keluarga.refresh_from_db()
    assert (keluarga.dusun, keluarga.rt, keluarga.rw) == ("Dusun II", "003", "001")
    client.post(url, {"aksi": "tambah", "anggota": str(budi.public_id)})
    budi.refresh_from_db()
    assert budi.keluarga == keluarga
    assert [m.nama for m in client.get(url).context["members"]] == ["Budi"]
    detail = client.get(reverse("sasaran:detail", args=[budi.public_id])).content.decode()
    assert url in detail  # linked from the person page
    client.post(url, {"aksi": "hapus", "anggota": str(budi.public_id)})
    budi.refresh_from_db()
    assert budi.keluarga is None


def test_household_kk_must_have_16_digits(client, world):
    keluarga = KeluargaFactory.create(posyandu=world.posyandu_a)
    client.force_login(world.kader_a)
    url = reverse("sasaran:keluarga_detail", args=[keluarga.public_id])
    response = client.post(url, {"aksi": "alamat", "kepala_keluarga": "X", "no_kk": "123"})
    assert response.status_code == 200 and response.context["form"].errors["no_kk"]


def test_household_of_another_posyandu_is_404(client, world, budi):
    keluarga = KeluargaFactory.create(posyandu=world.posyandu_a)
    client.force_login(world.kader_s)
    url = reverse("sasaran:keluarga_detail", args=[keluarga.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"aksi": "alamat", "kepala_keluarga": "X"}).status_code == 404
    assert Keluarga.objects.get(pk=keluarga.pk).kepala_keluarga != "X"


def test_cannot_add_a_person_one_cannot_see(client, world):
    keluarga = KeluargaFactory.create(posyandu=world.posyandu_a)
    stranger = SasaranFactory.create(posyandu=world.posyandu_s)
    client.force_login(world.kader_a)
    url = reverse("sasaran:keluarga_detail", args=[keluarga.public_id])
    assert (
        client.post(url, {"aksi": "tambah", "anggota": str(stranger.public_id)}).status_code == 404
    )
    stranger.refresh_from_db()
    assert stranger.keluarga is None


def test_status_date_is_what_the_session_summary_counts(world):
    from posyandu.sesi.summary import skdn

    child = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))
    sasaran_status_set(
        sasaran=child, status="meninggal", sejak=date(2026, 3, 20), today=date(2026, 4, 1)
    )
    # S counts balita at the month's end: still served on 28 Feb, gone by 31 Mar
    assert skdn(world.posyandu_a, date(2026, 2, 10)).s == 1
    assert skdn(world.posyandu_a, date(2026, 3, 10)).s == 0
    # active again: counted in every month
    sasaran_status_set(sasaran=child, status="aktif", sejak=None, today=date(2026, 4, 1))
    assert skdn(world.posyandu_a, date(2026, 3, 10)).s == 1
