"""Two users edit the same person at once: the second save from a stale form gets the
conflict page with both values; nothing is silently overwritten (issue 11, section 6)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from posyandu.core.concurrency import StaleRecord, save_if_current
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sasaran.tests.test_edit import edit_data


@pytest.fixture
def siti(world):
    return SasaranFactory.create(
        nama="Siti", posyandu=world.posyandu_a, tanggal_lahir=date(1990, 8, 17), jenis_kelamin="P"
    )


def test_stale_form_gets_the_conflict_page_and_the_name_stays(world, siti):
    bidan, puskesmas = Client(), Client()
    bidan.force_login(world.bidan_1)
    puskesmas.force_login(world.puskesmas_staff)
    url = reverse("sasaran:edit", args=[siti.public_id])
    # both open the form at version 1
    assert 'name="version" value="1"' in bidan.get(url).content.decode()
    assert 'name="version" value="1"' in puskesmas.get(url).content.decode()

    saved = bidan.post(url, edit_data(siti, nama="Siti Aminah", version="1"))
    assert saved.status_code == 302

    stale = puskesmas.post(url, edit_data(siti, nama="Siti", rt="003", version="1"))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Siti Aminah" in html  # theirs, shown
    assert 'name="version" value="2"' in html  # "save mine" carries the version now stored
    siti.refresh_from_db()
    assert (siti.nama, siti.rt, siti.version) == ("Siti Aminah", "", 2)  # not undone

    # the Puskesmas chooses to save theirs over it, knowingly
    forced = puskesmas.post(url, edit_data(siti, nama="Siti", rt="003", version="2"))
    assert forced.status_code == 302
    siti.refresh_from_db()
    assert (siti.nama, siti.rt, siti.version) == ("Siti", "003", 3)


def test_save_if_current_refuses_a_stale_version(world, siti):
    first, second = Sasaran.objects.get(pk=siti.pk), Sasaran.objects.get(pk=siti.pk)
    first.nama = "A"
    save_if_current(first, 1)
    second.nama = "B"
    with pytest.raises(StaleRecord) as caught:
        save_if_current(second, 1)
    assert caught.value.current.nama == "A"
    assert Sasaran.objects.get(pk=siti.pk).nama == "A"


def test_form_without_version_still_saves(client, world, siti):
    client.force_login(world.bidan_1)
    url = reverse("sasaran:edit", args=[siti.public_id])
    assert client.post(url, edit_data(siti, nama="Siti Z")).status_code == 302
    siti.refresh_from_db()
    assert siti.nama == "Siti Z"


def _stale_pair(world):
    bidan, puskesmas = Client(), Client()
    bidan.force_login(world.bidan_1)
    puskesmas.force_login(world.puskesmas_staff)
    return bidan, puskesmas


def test_household_address_from_a_stale_form_gets_the_conflict_page(world):
    from posyandu.sasaran.tests.factories import KeluargaFactory

    keluarga = KeluargaFactory.create(posyandu=world.posyandu_a, kepala_keluarga="Budi")
    bidan, puskesmas = _stale_pair(world)
    url = reverse("sasaran:keluarga_detail", args=[keluarga.public_id])
    assert 'name="version" value="1"' in bidan.get(url).content.decode()
    data = {"aksi": "alamat", "kepala_keluarga": "Budi", "rt": "001", "version": "1"}
    assert bidan.post(url, data).status_code == 302
    stale = puskesmas.post(url, data | {"rt": "009"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "001" in html and "009" in html and 'name="version" value="2"' in html
    keluarga.refresh_from_db()
    assert (keluarga.rt, keluarga.version) == ("001", 2)
    assert puskesmas.post(url, data | {"rt": "009", "version": "2"}).status_code == 302
    keluarga.refresh_from_db()
    assert keluarga.rt == "009"


def test_status_change_from_a_stale_form_gets_the_conflict_page(world, siti):
    bidan, puskesmas = _stale_pair(world)
    url = reverse("sasaran:status", args=[siti.public_id])
    assert 'name="version" value="1"' in bidan.get(url).content.decode()
    moved = {"status": "pindah", "sejak": "2026-01-10", "version": "1"}
    assert bidan.post(url, moved).status_code == 302
    stale = puskesmas.post(url, {"status": "aktif", "version": "1"})
    assert stale.status_code == 409
    siti.refresh_from_db()
    assert siti.status == "pindah"  # not silently set back to aktif
