"""Shared fixtures: a small world of two cities' Posyandu and one user per role.

Like healthchecks' alice/bob/charlie: every test gets an access-control fixture for free.
"""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from posyandu.accounts.models import Role, User
from posyandu.accounts.tests.factories import UserFactory, user_with_role
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.fasilitas.tests.factories import PosyanduFactory, PuskesmasFactory, PustuFactory
from posyandu.kader.tests.factories import KaderFactory
from posyandu.wilayah.tests.factories import wilayah
from tests.clock import TODAY


@pytest.fixture(autouse=True)
def _fixed_today(request: pytest.FixtureRequest):
    """Every test starts at 10:00 (Jakarta) of tests.clock.TODAY, whatever the real date. The
    clock then ticks, so records saved one after another keep distinct, ordered timestamps as
    in production. A test that needs another day travels itself (`time_machine.travel`, or the
    `time_machine` marker, which this fixture then leaves alone)."""
    if request.node.get_closest_marker("time_machine"):
        yield  # time-machine's own fixture has set the clock from the marker
        return
    start = datetime.combine(TODAY, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the UI's default language: a request made by an earlier test in
    this thread that chose English leaves English active (the middleware sets it per request)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@dataclass
class World:
    puskesmas_1: Puskesmas
    puskesmas_2: Puskesmas
    posyandu_a: Posyandu  # desa 14.71.01.1001
    posyandu_a2: Posyandu  # same desa, another Posyandu
    posyandu_b: Posyandu  # desa 14.71.01.1002, same kecamatan
    posyandu_c: Posyandu  # kecamatan 14.71.02
    posyandu_s: Posyandu  # Kabupaten Seluma 17.05
    kader_a: User
    kader_s: User
    bidan_1: User  # desa 14.71.01.1001
    puskesmas_staff: User  # Puskesmas of kecamatan 14.71.01
    pokjanal_kec: User
    pokjanal_kota: User
    dinkes_kota: User
    admin: User
    outsider: User  # signed in, no assignment

    @property
    def all_posyandu(self) -> list[Posyandu]:
        return [
            self.posyandu_a,
            self.posyandu_a2,
            self.posyandu_b,
            self.posyandu_c,
            self.posyandu_s,
        ]


@pytest.fixture
def world(db: None) -> World:
    kec_1 = wilayah("14.71.01", "Sukajadi")
    for code, name in (("14.71.01.1001", "Jadirejo"), ("14.71.01.1002", "Kampung Tengah")):
        wilayah(code, name)
    kec_2 = wilayah("14.71.02", "Senapelan")
    wilayah("14.71.02.1001", "Padang Bulan")
    kec_s = wilayah("17.05.01", "Seluma")
    wilayah("17.05.01.2001", "Desa Seluma")

    pkm_1, pkm_2 = (
        PuskesmasFactory.create(kecamatan=kec_1),
        PuskesmasFactory.create(kecamatan=kec_2),
    )
    pkm_s = PuskesmasFactory.create(kecamatan=kec_s)
    pustu = PustuFactory.create(puskesmas=pkm_1, desa_id="14.71.01.1001")
    a = PosyanduFactory.create(
        nama="Posyandu Melati", desa_id="14.71.01.1001", puskesmas=pkm_1, pustu=pustu
    )
    a2 = PosyanduFactory.create(nama="Posyandu Mawar", desa_id="14.71.01.1001", puskesmas=pkm_1)
    b = PosyanduFactory.create(nama="Posyandu Anggrek", desa_id="14.71.01.1002", puskesmas=pkm_1)
    c = PosyanduFactory.create(nama="Posyandu Kenanga", desa_id="14.71.02.1001", puskesmas=pkm_2)
    s = PosyanduFactory.create(nama="Posyandu Seroja", desa_id="17.05.01.2001", puskesmas=pkm_s)
    for posyandu in (a, a2, b, c, s):
        KaderFactory.create_batch(2, posyandu=posyandu)

    return World(
        puskesmas_1=pkm_1,
        puskesmas_2=pkm_2,
        posyandu_a=a,
        posyandu_a2=a2,
        posyandu_b=b,
        posyandu_c=c,
        posyandu_s=s,
        kader_a=user_with_role(Role.KADER, "kader_a", posyandu=a),
        kader_s=user_with_role(Role.KADER, "kader_s", posyandu=s),
        bidan_1=user_with_role(Role.BIDAN, "bidan_1", wilayah_id="14.71.01.1001"),
        puskesmas_staff=user_with_role(Role.PUSKESMAS, "pkm_1", puskesmas=pkm_1),
        pokjanal_kec=user_with_role(Role.POKJANAL_KECAMATAN, "pokjanal_kec", wilayah=kec_1),
        pokjanal_kota=user_with_role(Role.POKJANAL_KABKOTA, "pokjanal_kota", wilayah_id="14.71"),
        dinkes_kota=user_with_role(Role.DINKES, "dinkes", wilayah_id="14.71"),
        admin=user_with_role(Role.ADMIN, "admin_1", is_staff=True, is_superuser=True),
        outsider=UserFactory.create(username="outsider"),
    )
