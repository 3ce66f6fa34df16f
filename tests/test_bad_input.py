"""Section 6 of issue 11: each input that gave a server error answers a clear 4xx (or the form
again with a message), never a 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from posyandu.kia.models import Kehamilan
from posyandu.kia.services import pregnancy_register
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran, Sesi
from posyandu.sesi.services import measurement_record
from tests.clock import TODAY


@pytest.fixture
def quiet(client: Client) -> Client:
    client.raise_request_exception = False
    return client


@pytest.fixture
def mother(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=TODAY - timedelta(days=25 * 365)
    )


@pytest.fixture
def child(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=400)
    )


def test_invalid_uuid_in_kunjungan_query(quiet, world, child):
    quiet.force_login(world.kader_a)
    response = quiet.get(reverse("rujukan:new", args=[child.public_id]) + "?kunjungan=xyz")
    assert response.status_code in (400, 404)


def test_invalid_uuid_in_rapat_query(quiet, world):
    quiet.force_login(world.pokjanal_kec)
    url = reverse("pokjanal:create", args=["14.71.01", "tindak"]) + "?rapat=not-a-uuid"
    assert quiet.get(url).status_code in (400, 404)


def test_invalid_uuid_in_kunjungan_post_of_a_panel(quiet, world, mother):
    pregnancy_register(
        sasaran=mother, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(days=70)
    )
    quiet.force_login(world.kader_a)
    url = reverse("kia:action", args=[mother.public_id, "anc"])
    response = quiet.post(url, {"kunjungan": "xyz", "berat_kg": "60"})
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "name", ["laporan:posyandu", "laporan:sip", "laporan:sip_xlsx", "laporan:posyandu_pdf"]
)
def test_year_zero_period_on_posyandu_pages(quiet, world, name):
    quiet.force_login(world.puskesmas_staff)
    args = [world.posyandu_a.public_id] + ([2] if "sip" in name else [])
    response = quiet.get(reverse(name, args=args) + "?periode=0000-01")
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("name", ["laporan:wilayah", "laporan:wilayah_pdf"])
def test_year_zero_period_on_region_pages(quiet, world, name):
    quiet.force_login(world.pokjanal_kota)
    response = quiet.get(reverse(name, args=["14.71"]) + "?periode=0000-01")
    assert response.status_code in (400, 404)


def test_year_zero_period_on_exports(quiet, world):
    quiet.force_login(world.pokjanal_kota)
    for kind in ("skdn", "gizi", "cakupan"):
        url = reverse("laporan:wilayah_export", args=["14.71", kind, "csv"]) + "?periode=0000-01"
        assert quiet.get(url).status_code in (400, 404), kind
    quiet.force_login(world.puskesmas_staff)
    for name in ("laporan:posyandu_export", "laporan:posyandu_cakupan_export"):
        url = reverse(name, args=[str(world.posyandu_a.public_id), "csv"]) + "?periode=0000-01"
        assert quiet.get(url).status_code in (400, 404), name


def test_year_zero_period_on_pokjanal_workspace(quiet, world):
    quiet.force_login(world.pokjanal_kec)
    url = reverse("pokjanal:workspace", args=["14.71.01"]) + "?periode=0000-01"
    assert quiet.get(url).status_code in (400, 404)


def test_anc_visit_dated_year_one(quiet, world, mother):
    pregnancy_register(
        sasaran=mother, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(days=70)
    )
    quiet.force_login(world.kader_a)
    url = reverse("kia:action", args=[mother.public_id, "anc"])
    response = quiet.post(url, {"tanggal": "0001-01-01", "berat_kg": "60"})
    assert response.status_code in (200, 400)
    assert not Kehamilan.objects.get(sasaran=mother).anc.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_session_dated_year_one_or_9999_is_refused(quiet, world, day):
    quiet.force_login(world.kader_a)
    response = quiet.post(reverse("sesi:list"), {"posyandu": world.posyandu_a.pk, "tanggal": day})
    assert response.status_code == 400
    assert "tanggal" in response.content.decode().lower()
    assert not Sesi.objects.exists()


def test_api_offset_and_limit_above_2_63(quiet, world):
    quiet.force_login(world.kader_a)
    for url in (
        "/api/v1/sasaran?offset=99999999999999999999",
        "/api/v1/sasaran?limit=99999999999999999999",
        "/api/v1/posyandu?offset=9223372036854775808",
        "/api/v1/rujukan?limit=99999999999999999999",
    ):
        response = quiet.get(url)
        assert response.status_code in (200, 422), url


def test_measurement_id_of_another_person_reveals_nothing(quiet, world, child):
    other = SasaranFactory.create(posyandu=world.posyandu_c, tanggal_lahir=child.tanggal_lahir)
    theirs = measurement_record(sasaran=other, tanggal=TODAY, by=None, berat_kg="9.5")
    quiet.force_login(world.kader_a)
    body = {"id": str(theirs.pengukuran.public_id), "sasaran_id": str(child.public_id),
            "tanggal": TODAY.isoformat(), "berat_kg": "9.1"}  # fmt: skip
    response = quiet.post("/api/v1/pengukuran", body, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."} or "detail" in response.json()
    assert Pengukuran.objects.count() == 1


@pytest.mark.parametrize(
    "extra", [{"gravida": -1}, {"usg_minggu": 10**9, "usg_tanggal": "2026-09-01"}]
)
def test_pregnancy_api_bounds(quiet, world, mother, extra):
    quiet.force_login(world.kader_a)
    body = {"sasaran_id": str(mother.public_id), "tanggal_daftar": TODAY.isoformat(),
            "hpht": (TODAY - timedelta(days=70)).isoformat(), **extra}  # fmt: skip
    response = quiet.post("/api/v1/kia/kehamilan", body, content_type="application/json")
    assert response.status_code == 422
    assert not Kehamilan.objects.exists()


def test_home_visit_negative_height(quiet, world, child):
    quiet.force_login(world.kader_a)
    url = reverse("kunjungan_rumah:new") + f"?sasaran={child.public_id}"
    response = quiet.post(url, {"tanggal": TODAY.isoformat(), "tindak_lanjut": "selesai",
                                "m0-dikunjungi": "on", "m0-tinggi_cm": "-5"})  # fmt: skip
    assert response.status_code in (200, 400)


def test_multipart_without_boundary(quiet, world, child):
    quiet.force_login(world.kader_a)
    for url in (reverse("sasaran:new"), "/api/v1/sasaran"):
        response = quiet.generic("POST", url, b"x=1", content_type="multipart/form-data")
        assert 400 <= response.status_code < 500, url
