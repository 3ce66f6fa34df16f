"""Two people correct the same measurement at once (issue 11, section 6): the correction
sent from a form opened before the other one was saved gets the conflict page with both
values; the first correction stays until the user knowingly saves theirs over it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from posyandu.sesi.tests.test_corrections import child, visit  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_stale_correction_gets_the_conflict_page(world, visit):  # noqa: F811
    p = visit.pengukuran.get()
    kader, bidan = Client(), Client()
    kader.force_login(world.kader_a)
    bidan.force_login(world.bidan_1)
    url = reverse("sesi:koreksi", args=["sesi.Pengukuran", p.public_id])
    version = str(p.version)
    assert f'name="version" value="{version}"' in bidan.get(url).content.decode()
    data = {"aksi": "simpan", "tinggi_cm": "75", "cara_ukur": "terlentang", "version": version}
    first = kader.post(url, {**data, "berat_kg": "9,1", "alasan": "salah baca"})
    assert first.status_code == 302
    stale = bidan.post(url, {**data, "berat_kg": "9,8", "alasan": "timbang ulang"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "<td>9,10</td><td><strong>9,8</strong></td>" in html  # saved now, and yours
    p.refresh_from_db()
    assert p.berat_kg == Decimal("9.1")
    again = {**data, "berat_kg": "9,8", "alasan": "timbang ulang", "version": str(p.version)}
    assert bidan.post(url, again).status_code == 302
    p.refresh_from_db()
    assert p.berat_kg == Decimal("9.8")
