"""KIA API (register, ANC, summary; scoped) and the read-mostly admin of issue-5 models."""

from datetime import date

import pytest
from django.urls import reverse

from posyandu.imunisasi.models import Imunisasi
from posyandu.kia.models import Kehamilan, KunjunganAnc
from posyandu.kia.selectors import anc_due
from posyandu.kia.services import anc_record, pregnancy_register
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.skrining.models import HasilSkrining

API = "/api/v1/kia"


@pytest.fixture
def ibu(world):
    # 28 years old in 2026: no age risk
    return SasaranFactory.create(
        nama="Sari", posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=date(1998, 1, 1)
    )


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_register_record_anc_and_read_summary(client, world, ibu):
    client.force_login(world.kader_a)
    body = {"sasaran_id": str(ibu.public_id), "tanggal_daftar": "2026-03-10", "hpht": "2026-01-01"}
    response = post(client, f"{API}/kehamilan", body)
    assert response.status_code == 201
    k = response.json()
    # Naegele: 2026-01-01 + 7 days + 9 months = 2026-10-08; 68 days on 2026-03-10 = 9w5d
    assert (k["hpl"], k["dasar"]) == ("2026-10-08", "hpht")
    assert (k["usia_kehamilan_minggu"], k["usia_kehamilan_hari"], k["trimester"]) == (9, 5, 1)
    assert (k["anc_kunjungan"], k["anc_wajib"], k["risiko"]) == (0, [1, 2, 3], [])

    anc = {
        "tanggal": "2026-03-10",
        "oleh_dokter": True,
        "lila_cm": "23.4",
        "sistole": 110,
        "diastole": 70,
        "ttd_tablet": 30,
    }
    response = post(client, f"{API}/kehamilan/{k['id']}/anc", anc)
    assert response.status_code == 201
    summary = response.json()["ringkasan"]
    assert summary["anc_per_trimester"] == [1, 0, 0] and summary["ttd_total"] == 30
    assert [r["code"] for r in summary["risiko"]] == ["kek"]  # LiLA 23.4 < 23.5
    assert KunjunganAnc.objects.get().dicatat_oleh == world.kader_a

    read = client.get(f"{API}/kehamilan/{k['id']}", {"tanggal": "2026-05-01"}).json()
    # 2026-05-01 is 120 days after HPHT: 17w1d, trimester 2; T1 done, T2 not yet over
    assert (read["usia_kehamilan_minggu"], read["trimester"], read["anc_kurang"]) == (17, 2, [])


def test_lila_at_the_cut_off_is_not_kek(world, ibu):
    k = pregnancy_register(
        sasaran=ibu, tanggal_daftar=date(2026, 3, 10), by=None, hpht=date(2026, 1, 1)
    )
    anc_record(kehamilan=k, tanggal=date(2026, 3, 10), by=None, lila_cm=23.5)
    k.refresh_from_db()
    assert "kek" not in k.risiko


def test_api_bad_input_is_refused_with_a_reason(client, world, ibu):
    client.force_login(world.kader_a)
    body = {"sasaran_id": str(ibu.public_id), "tanggal_daftar": "2026-03-10"}
    assert post(client, f"{API}/kehamilan", body).status_code == 422  # no HPHT nor USG
    man = SasaranFactory.create(posyandu=world.posyandu_a, jenis_kelamin="L")
    body = {"sasaran_id": str(man.public_id), "tanggal_daftar": "2026-03-10", "hpht": "2026-01-01"}
    assert post(client, f"{API}/kehamilan", body).status_code == 422
    assert not Kehamilan.objects.exists()


def test_api_scope(client, world, ibu):
    k = pregnancy_register(
        sasaran=ibu, tanggal_daftar=date(2026, 3, 10), by=None, hpht=date(2026, 1, 1)
    )
    client.force_login(world.kader_s)
    assert client.get(f"{API}/kehamilan/{k.public_id}").status_code == 404
    assert (
        post(client, f"{API}/kehamilan/{k.public_id}/anc", {"tanggal": "2026-03-10"}).status_code
        == 404
    )
    other = {"sasaran_id": str(ibu.public_id), "tanggal_daftar": "2026-03-10", "hpht": "2026-01-01"}
    assert post(client, f"{API}/kehamilan", other).status_code == 404
    assert not KunjunganAnc.objects.exists()
    client.force_login(world.bidan_1)  # the bidan of the desa sees it
    assert client.get(f"{API}/kehamilan/{k.public_id}").status_code == 200


def test_anc_due_selector(world, ibu):
    k = pregnancy_register(
        sasaran=ibu, tanggal_daftar=date(2026, 3, 10), by=None, hpht=date(2026, 1, 1)
    )
    people = Sasaran.objects.filter(pk=ibu.pk)
    assert [x.pk for x, _ in anc_due(people, date(2026, 3, 10))] == [k.pk]  # T1 0/1
    anc_record(kehamilan=k, tanggal=date(2026, 3, 10), by=None)
    assert anc_due(people, date(2026, 3, 10)) == []  # T1 1/1
    # 2026-04-02: 91 days = 13w0d, trimester 2 begins with 0/2 visits
    assert [x.pk for x, _ in anc_due(people, date(2026, 4, 2))] == [k.pk]
    assert anc_due(people, date(2026, 4, 1)) == []  # 12w6d, still trimester 1


@pytest.mark.parametrize("model", [Kehamilan, KunjunganAnc, Imunisasi, HasilSkrining])
def test_admin_is_read_mostly(client, world, model):
    client.force_login(world.admin)
    meta = model._meta
    assert (
        client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code
        == 200
    )
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403


def test_admin_change_goes_through_record_audit(client, world, ibu):
    from posyandu.audit.models import AuditEvent

    dose = Imunisasi.objects.create(
        sasaran=ibu, vaksin="Td", tanggal=date(2026, 3, 10), tempat="posyandu"
    )
    client.force_login(world.admin)
    url = reverse("admin:imunisasi_imunisasi_change", args=[dose.pk])
    data = {
        "sasaran": ibu.pk,
        "vaksin": "Td",
        "tanggal": "2026-03-10",
        "tempat": "posyandu",
        "diberikan_di_sini": "on",
        "nama_tempat": "",
        "batch": "B-123",
        "kunjungan": "",
        "dicatat_oleh": "",
    }
    assert client.post(url, data).status_code == 302
    dose.refresh_from_db()
    assert (dose.batch, dose.version) == ("B-123", 2)
    assert AuditEvent.objects.filter(object_id=str(dose.public_id), action="update").exists()
