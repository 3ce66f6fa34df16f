"""Two answers to the same referral at once (issue 11, section 6): the second, written from
the version both read, is refused with 409 (API) or the conflict page (HTML); the first
answer stays."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.services import referral_create
from posyandu.sasaran.tests.factories import SasaranFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rujukan(world):
    anak = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))
    return referral_create(
        sasaran=anak, alasan="2T", by=world.kader_a, tanggal=timezone.localdate()
    )


def _clients(world):
    bidan, puskesmas = Client(), Client()
    bidan.force_login(world.bidan_1)
    puskesmas.force_login(world.puskesmas_staff)
    return bidan, puskesmas


def test_api_answer_from_a_stale_version_is_409(world, rujukan):
    bidan, puskesmas = _clients(world)
    url = f"/api/v1/rujukan/{rujukan.public_id}"
    assert puskesmas.get(url).json()["version"] == 1
    answer = {"hasil": "ditangani", "umpan_balik": "PMT 90 hari", "version": 1}
    first = puskesmas.post(f"{url}/umpan-balik", answer, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    late = {"hasil": "tidak_datang", "umpan_balik": "Tidak datang", "version": 1}
    second = puskesmas.post(f"{url}/umpan-balik", late, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["version"] == 2 and "muat ulang" in second.json()["detail"]
    rujukan.refresh_from_db()
    assert (rujukan.hasil, rujukan.umpan_balik) == ("ditangani", "PMT 90 hari")


def test_html_answer_from_a_stale_form_gets_the_conflict_page(world, rujukan):
    bidan, puskesmas = _clients(world)
    url = reverse("rujukan:detail", args=[rujukan.public_id])
    assert 'name="version" value="1"' in puskesmas.get(url).content.decode()
    first = {"hasil": "ditangani", "umpan_balik": "PMT 90 hari", "version": "1"}
    assert puskesmas.post(url, first).status_code == 302
    stale = puskesmas.post(url, {"hasil": "tidak_datang", "umpan_balik": "x", "version": "1"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "PMT 90 hari" in html and 'name="version" value="2"' in html
    assert Rujukan.objects.get().umpan_balik == "PMT 90 hari"
