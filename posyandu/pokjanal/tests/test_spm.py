"""A Posyandu records its six SPM fields (Permendagri 13/2024) for a year."""

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.accounts.models import Role
from posyandu.accounts.tests.factories import user_with_role
from posyandu.audit.models import AuditEvent
from posyandu.fasilitas.tests.factories import PuskesmasFactory
from posyandu.pokjanal.models import SpmPosyandu
from posyandu.wilayah.models import Wilayah

pytestmark = pytest.mark.django_db


def _url(posyandu, tahun=None):
    url = reverse("pokjanal:posyandu_spm", args=[posyandu.public_id])
    return url if tahun is None else f"{url}?tahun={tahun}"


def test_kader_records_and_updates_the_year(client, world):
    year = timezone.localdate().year
    client.force_login(world.kader_a)
    page = client.get(_url(world.posyandu_a))
    assert page.status_code == 200 and 'name="kesehatan"' in page.content.decode()
    response = client.post(
        _url(world.posyandu_a),
        {"tahun": year, "kesehatan": "Penimbangan bulanan, PMT", "sosial": "Data KPM PKH"},
    )
    assert response.status_code == 302 and response.url == _url(world.posyandu_a, year)
    row = SpmPosyandu.objects.get(posyandu=world.posyandu_a, tahun=year)
    assert (row.kesehatan, row.sosial, row.pendidikan, row.filled) == (
        "Penimbangan bulanan, PMT",
        "Data KPM PKH",
        "",
        2,
    )
    client.post(_url(world.posyandu_a), {"tahun": year, "pendidikan": "PAUD"})
    row = SpmPosyandu.objects.get(posyandu=world.posyandu_a, tahun=year)  # still one row
    assert (row.pendidikan, row.kesehatan, row.filled) == ("PAUD", "", 1)
    assert AuditEvent.objects.filter(object_id=str(row.public_id)).count() == 2
    listing = client.get(_url(world.posyandu_a)).content.decode()
    assert "1 bidang dari 6 terisi" in listing


def test_pokjanal_writes_a_puskesmas_outside_its_working_area_reads(client, world):
    year = timezone.localdate().year
    client.force_login(world.pokjanal_kec)
    assert client.post(_url(world.posyandu_b), {"tahun": year, "sosial": "x"}).status_code == 302
    # A Puskesmas of the kecamatan that does not serve desa 1002 sees the Posyandu's
    # aggregates only: it reads the SPM fields and cannot change them.
    kecamatan = Wilayah.objects.get(kode="14.71.01")
    pkm = PuskesmasFactory.create(
        kecamatan=kecamatan, wilayah_kerja=[kecamatan.anak.get(kode="14.71.01.1001")]
    )
    client.force_login(user_with_role(Role.PUSKESMAS, "pkm_x", puskesmas=pkm))
    page = client.get(_url(world.posyandu_b)).content.decode()
    assert 'name="sosial"' not in page and "<dd>x</dd>" in page
    assert client.post(_url(world.posyandu_b), {"tahun": year, "sosial": "y"}).status_code == 403
    assert SpmPosyandu.objects.get(posyandu=world.posyandu_b).sosial == "x"


def test_other_posyandu_and_bad_years_are_not_found(client, world):
    client.force_login(world.kader_a)
    assert client.get(_url(world.posyandu_b)).status_code == 404
    assert client.get(_url(world.posyandu_a, 2023)).status_code == 404
    assert client.get(_url(world.posyandu_a, "20x5")).status_code == 404
    assert client.get(_url(world.posyandu_a, timezone.localdate().year + 1)).status_code == 404
