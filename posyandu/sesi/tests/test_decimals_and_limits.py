"""Numbers typed as people type them (issue 11, section 2): "9,5" and "9.5" alike on the visit
page and the API, the value echoed back as it was read; hard limits that refuse what cannot be
true; a z-score beyond the WHO flag limits never shown as a finding."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.forms import MeasurementForm
from posyandu.sesi.limits import MeasurementRefused, hard_limit_errors, limit_for
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def baby(world):
    """Two months old (completed) on the session's day."""
    return SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Bayi Dua Bulan",
        tanggal_lahir=timezone.localdate() - timedelta(days=70),
        jenis_kelamin="L",
    )


@pytest.fixture
def visit(world, baby):
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=timezone.localdate())
    return KunjunganFactory.create(sesi=sesi, sasaran=baby)


@pytest.mark.parametrize("typed", ["5,5", "5.5", " 5,5 "])
def test_the_visit_page_reads_comma_and_dot_alike_and_echoes_the_value(client, world, visit, typed):
    client.force_login(world.kader_a)
    url = reverse("sesi:kunjungan", args=[visit.public_id])
    data = {"berat_kg": typed, "tinggi_cm": "58,4", "cara_ukur": "terlentang"}
    preview = client.post(reverse("sesi:preview", args=[visit.public_id]), data)
    assert "Terbaca: 5,5 kg · 58,4 cm" in preview.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    p = Pengukuran.objects.get()
    assert p.berat_kg == Decimal("5.5") and p.tinggi_cm == Decimal("58.4")
    page = client.get(url).content.decode()
    assert "Tersimpan: 5,5 kg · 58,4 cm" in page


def test_the_decimal_boxes_are_text_with_a_decimal_keypad(client, world, visit):
    client.force_login(world.kader_a)
    html = client.get(reverse("sesi:kunjungan", args=[visit.public_id])).content.decode()
    assert 'type="number"' not in html
    for name in ("berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm"):
        assert f'type="text" name="{name}" inputmode="decimal" autocomplete="off"' in html


def test_measurement_form_nine_comma_five_is_nine_point_five():
    form = MeasurementForm({"berat_kg": "9,5"}, group="child", umur_bulan=16)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["berat_kg"] == Decimal("9.5")


def test_letters_are_refused_not_dropped():
    form = MeasurementForm({"berat_kg": "9,5,1"}, group="child", umur_bulan=16)
    assert not form.is_valid()
    assert form.errors["berat_kg"] == ["Masukkan sebuah bilangan."]


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        (
            {"berat_kg": "46"},
            "berat_kg",
            "Berat 46 kg tidak mungkin pada umur 2 bulan. Isi nilai antara 0,5 dan 12 kg",
        ),
        (
            {"tinggi_cm": "300", "cara_ukur": "terlentang"},
            "tinggi_cm",
            "Panjang/tinggi 300 cm tidak mungkin pada umur 2 bulan. Isi nilai antara 30 dan 80 cm",
        ),
        (
            {"berat_kg": "-5"},
            "berat_kg",
            "Berat -5 kg tidak mungkin pada umur 2 bulan. Isi nilai antara 0,5 dan 12 kg",
        ),
    ],
)
def test_what_cannot_be_true_is_refused_naming_the_range(client, world, visit, values, field, text):
    client.force_login(world.kader_a)
    response = client.post(reverse("sesi:kunjungan", args=[visit.public_id]), values)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not Pengukuran.objects.exists()


def test_an_extreme_but_possible_value_is_kept_and_flagged(client, world, visit):
    """12 kg at 2 months is beyond WHO +5 SD (flagged, re-measure) but inside the hard limit."""
    client.force_login(world.kader_a)
    url = reverse("sesi:kunjungan", args=[visit.public_id])
    assert client.post(url, {"berat_kg": "12"}).status_code == 302
    p = Pengukuran.objects.get()
    assert p.berat_kg == Decimal("12") and p.fwei is True and p.perlu_cek_ulang is True


def test_limits_are_data_by_age_band():
    def band(field: str, months: int, sex: str) -> tuple[Decimal, Decimal]:
        limit = limit_for(field, months, sex)
        assert limit is not None
        return limit.low, limit.high

    assert band("berat_kg", 2, "L") == band("berat_kg", 2, "P") == (Decimal("0.5"), Decimal(12))
    assert band("berat_kg", 30, "P") == (Decimal(4), Decimal(50))
    assert band("tinggi_cm", 400, "L") == (Decimal(100), Decimal(250))
    # an adult of 46 kg is no error
    assert hard_limit_errors({"berat_kg": Decimal("46")}, umur_bulan=300) == {}


def test_the_write_refuses_too_so_no_caller_can_store_it(world, baby):
    with pytest.raises(MeasurementRefused) as refused:
        measurement_record(
            sasaran=baby, tanggal=timezone.localdate(), by=None, berat_kg=Decimal("46")
        )
    assert list(refused.value.errors) == ["berat_kg"]
    assert not Pengukuran.objects.exists()


def test_api_reads_a_comma_and_refuses_the_impossible(client, world, baby):
    client.force_login(world.kader_a)
    body = {
        "sasaran_id": str(baby.public_id),
        "tanggal": timezone.localdate().isoformat(),
        "berat_kg": "5,5",
    }
    response = client.post("/api/v1/pengukuran", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Pengukuran.objects.get().berat_kg == Decimal("5.5")
    too_heavy = body | {"berat_kg": 46, "tanggal": (timezone.localdate()).isoformat()}
    response = client.post("/api/v1/pengukuran", too_heavy, content_type="application/json")
    assert response.status_code == 422
    assert "antara 0,5 dan 12 kg" in response.json()["detail"]
    garbled = body | {"berat_kg": "9,5,1"}
    response = client.post("/api/v1/pengukuran", garbled, content_type="application/json")
    assert response.status_code == 422
    assert Pengukuran.objects.count() == 1


def test_a_z_score_beyond_the_who_flag_limits_is_no_finding(client, world, visit):
    client.force_login(world.kader_a)
    url = reverse("sesi:kunjungan", args=[visit.public_id])
    client.post(url, {"berat_kg": "12"})
    p = Pengukuran.objects.get()
    assert p.zwei is not None and p.zwei > 5  # the engine's flag limit for BB/U
    html = client.get(url).content.decode()
    result = html[html.index('class="result card"') :]
    assert "di luar batas wajar WHO, ukur ulang" in result
    assert f"z {p.zwei:.2f}".replace(".", ",") not in result
    assert "Risiko berat badan lebih" not in result
