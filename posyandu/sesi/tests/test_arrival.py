"""Someone new at the Posyandu day: registered and checked in by one service (sesi), after the
likely duplicates were shown; the check-in of a merge duplicate joined through the registry."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from posyandu.core import registry
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import people_visible
from posyandu.sasaran.services import sasaran_merge
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, LayananDiberikan
from posyandu.sesi.services import (
    arrival_register,
    born_after_session_message,
    checkin,
    checkins_merge,
    service_add,
)
from posyandu.sesi.tests.factories import SesiFactory

NEW: dict[str, Any] = {
    "nama": "Nadia Putri",
    "jenis_kelamin": "P",
    "tanggal_lahir": date(2025, 6, 1),
}


@pytest.fixture
def sesi(world):
    return SesiFactory.create(posyandu=world.posyandu_a, tanggal=date(2026, 3, 10))


def test_registers_and_checks_in(world, sesi):
    consent = {"diberikan_oleh": "Ibu", "tujuan": ["pelayanan"]}
    among = people_visible(world.kader_a)
    arrival = arrival_register(sesi=sesi, among=among, consent=consent, by=world.kader_a, **NEW)
    person = Sasaran.objects.get(nama="Nadia Putri")
    assert arrival.registration.person == person and arrival.registration.duplicates == []
    assert (person.posyandu, person.desa_id) == (world.posyandu_a, "14.71.01.1001")
    assert arrival.kunjungan == Kunjungan.objects.get(sesi=sesi, sasaran=person)
    assert arrival.kunjungan.langkah == 1 and arrival.checkin_error == ""
    assert person.persetujuan.get().diberikan_oleh == "Ibu"


def test_a_likely_duplicate_stops_it_until_confirmed(world, sesi):
    same = SasaranFactory.create(
        nama="Nadia", posyandu=world.posyandu_a, tanggal_lahir=date(2025, 6, 1)
    )
    among = people_visible(world.kader_a)
    arrival = arrival_register(sesi=sesi, among=among, by=world.kader_a, **NEW)
    assert arrival.registration.person is None and arrival.kunjungan is None
    assert arrival.registration.duplicates == [same]
    assert Sasaran.objects.count() == 1 and not Kunjungan.objects.exists()
    arrival = arrival_register(sesi=sesi, among=among, not_a_duplicate=True, by=None, **NEW)
    assert arrival.registration.person is not None
    assert arrival.registration.person.nama == "Nadia Putri" and arrival.kunjungan is not None


def test_born_after_the_session_is_registered_not_checked_in(world, sesi):
    among = people_visible(world.kader_a)
    fields = {**NEW, "tanggal_lahir": date(2026, 3, 11)}
    arrival = arrival_register(sesi=sesi, among=among, by=None, **fields)
    assert arrival.registration.person is not None
    assert arrival.registration.person.nama == "Nadia Putri" and arrival.kunjungan is None
    assert arrival.checkin_error == born_after_session_message(arrival.registration.person)
    assert not Kunjungan.objects.exists()


def test_the_page_shows_duplicates_with_a_check_in_button(client, world, sesi):
    same = SasaranFactory.create(
        nama="Nadia", posyandu=world.posyandu_a, tanggal_lahir=date(2025, 6, 1)
    )
    client.force_login(world.kader_a)
    url = reverse("sesi:person_new", args=[sesi.public_id])
    data = {
        "posyandu": world.posyandu_a.pk,
        "nama": "Nadia Putri",
        "jenis_kelamin": "P",
        "tanggal_lahir": "2025-06-01",
        "persetujuan_oleh": "Ibu",
        "persetujuan_tujuan": ["pelayanan"],
    }
    body = client.post(url, data).content.decode()
    checkin_url = reverse("sesi:checkin", args=[sesi.public_id, same.public_id])
    assert f'form="checkin-{same.pk}"' in body and f'action="{checkin_url}"' in body
    assert Sasaran.objects.count() == 1
    client.force_login(world.kader_s)  # another Posyandu's kader: the session is not theirs
    assert client.get(url).status_code == 404


def test_merge_joins_two_check_ins_of_one_session(world, sesi):
    assert registry.merge_resolver("sesi.Kunjungan") is checkins_merge
    keep = SasaranFactory.create(posyandu=world.posyandu_a)
    dup = SasaranFactory.create(posyandu=world.posyandu_a)
    checkin(sesi=sesi, sasaran=keep)
    service_add(kunjungan=checkin(sesi=sesi, sasaran=dup), jenis="Vitamin A")
    moved = sasaran_merge(keep=keep, merged=dup, by=world.bidan_1)
    assert moved["sesi.Kunjungan"] == 1
    assert Kunjungan.objects.get(sesi=sesi).sasaran == keep
    assert LayananDiberikan.objects.get().kunjungan.sasaran == keep
