"""Danger signs stored on the measurement: data file, result, referral suggestion, API."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from posyandu.core.forms import choice_field
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import danger
from posyandu.sesi.forms import MeasurementForm
from posyandu.sesi.growth import measurement_evaluate, result_of
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory


def test_data_file_is_versioned_with_its_source():
    data = danger.rules()
    assert data["version"] == "1" and data["valid_from"] == "2026-01-01"
    assert "Buku KIA" in data["source"]["title"]
    assert danger.version() == "tanda-bahaya@1"
    assert {"kejang", "perdarahan"} <= danger.all_codes()
    assert danger.signs("other") == []


def test_clean_codes_orders_dedups_and_refuses_unknown():
    assert danger.clean_codes(["kejang", "tidak_bisa_minum", "kejang"]) == [
        "tidak_bisa_minum",
        "kejang",
    ]
    assert danger.clean_codes(None) == []
    with pytest.raises(ValueError):
        danger.clean_codes(["pusing"])


@pytest.fixture
def boy(world):
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))


def test_stored_on_the_measurement_and_fire_the_referral(boy):
    result = measurement_record(
        sasaran=boy,
        tanggal=date(2026, 3, 10),
        by=None,
        berat_kg=Decimal("9.5"),
        tanda_bahaya=["kejang"],
    )
    p = Pengukuran.objects.get(pk=result.pengukuran.pk)
    assert (p.tanda_bahaya, p.tanda_bahaya_versi) == (["kejang"], "tanda-bahaya@1")
    assert result.referral_reasons == ["tanda_bahaya"]
    # read back later (as tasks and the result page do), the suggestion is the same
    assert result_of(p).referral_reasons == ["tanda_bahaya"]


def test_no_signs_no_referral_and_no_version(boy):
    result = measurement_evaluate(sasaran=boy, tanggal=date(2026, 3, 10), berat_kg=9.5)
    assert (result.pengukuran.tanda_bahaya, result.pengukuran.tanda_bahaya_versi) == ([], "")
    assert result.referral_reasons == []


def test_signs_of_an_adult_also_suggest_referral(world):
    ibu = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=date(1995, 5, 1), jenis_kelamin="P"
    )
    result = measurement_evaluate(
        sasaran=ibu, tanggal=date(2026, 3, 10), berat_kg=60, tanda_bahaya=["perdarahan"]
    )
    assert result.referral_reasons == ["tanda_bahaya"]


def _signs(form: MeasurementForm) -> list[tuple[str, object]]:
    choices = choice_field(form, "tanda_bahaya").choices
    assert isinstance(choices, list)  # MeasurementForm sets a list
    return choices


def test_form_offers_the_signs_of_the_stage_group():
    child = MeasurementForm(group="child", umur_bulan=13)
    assert [c for c, _ in _signs(child)][:2] == [
        "tidak_bisa_minum",
        "muntah_semua",
    ]
    maternal = MeasurementForm(group="maternal", umur_bulan=300)
    assert "perdarahan" in dict(_signs(maternal))
    assert "tanda_bahaya" not in MeasurementForm(group="other", umur_bulan=500).fields


def test_visit_page_shows_signs_and_referral_suggestion(client, world, boy):
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=date(2026, 3, 10))
    k = KunjunganFactory.create(sesi=sesi, sasaran=boy)
    client.force_login(world.kader_a)
    url = reverse("sesi:kunjungan", args=[k.public_id])
    data = {"berat_kg": "9,5", "tanda_bahaya": ["kejang", "letargis"]}
    preview = client.post(reverse("sesi:preview", args=[k.public_id]), data).content.decode()
    assert "referral-suggested" in preview and not Pengukuran.objects.exists()
    assert client.post(url, data).url == url
    assert Pengukuran.objects.get().tanda_bahaya == ["kejang", "letargis"]
    body = client.get(url).content.decode()
    assert "danger-signs" in body and "Kejang" in body
    assert f"?aturan=tanda_bahaya&kunjungan={k.public_id}" in body


def test_api_accepts_codes_and_refuses_unknown(client, world, boy):
    client.force_login(world.kader_a)
    body = {"sasaran_id": str(boy.public_id), "tanggal": "2026-03-10", "berat_kg": "9.5"}
    bad = client.post(
        "/api/v1/pengukuran", body | {"tanda_bahaya": ["pusing"]}, content_type="application/json"
    )
    assert bad.status_code == 422 and not Pengukuran.objects.exists()
    ok = client.post(
        "/api/v1/pengukuran",
        body | {"tanda_bahaya": ["muntah_semua"]},
        content_type="application/json",
    ).json()
    assert ok["tanda_bahaya"] == ["muntah_semua"] and ok["rujukan_disarankan"] == ["tanda_bahaya"]
