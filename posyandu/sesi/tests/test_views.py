from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.rujukan.services import referral_create
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi
from posyandu.sesi.services import born_after_session_message, measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory


@pytest.fixture
def child(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Budi", tanggal_lahir=date(2025, 9, 1), jenis_kelamin="L"
    )


def test_open_session_and_check_in(client, world, child):
    client.force_login(world.kader_a)
    response = client.post(
        reverse("sesi:list"), {"posyandu": world.posyandu_a.pk, "tanggal": "2026-03-10"}
    )
    sesi = Sesi.objects.get(posyandu=world.posyandu_a, tanggal=date(2026, 3, 10))
    assert response.url == reverse("sesi:detail", args=[sesi.public_id])
    page = client.get(response.url)
    assert page.status_code == 200
    found = client.get(reverse("sesi:search", args=[sesi.public_id]), {"q": "bud"})
    assert "Budi" in found.content.decode()
    response = client.post(reverse("sesi:checkin", args=[sesi.public_id, child.public_id]))
    kunjungan = Kunjungan.objects.get(sesi=sesi, sasaran=child)
    assert response.url == reverse("sesi:kunjungan", args=[kunjungan.public_id])
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'name="berat_kg"' in page.content.decode()
    assert 'name="lingkar_kepala_cm"' in page.content.decode()


def test_measurement_preview_and_save(client, world, child):
    client.force_login(world.kader_a)
    k = KunjunganFactory.create(sesi=SesiFactory.create(posyandu=world.posyandu_a), sasaran=child)
    data = {"berat_kg": "7,5", "tinggi_cm": "66", "cara_ukur": "terlentang"}
    preview = client.post(reverse("sesi:preview", args=[k.public_id]), data)
    assert preview.status_code == 200
    assert "Berat badan normal" in preview.content.decode()
    assert not Pengukuran.objects.exists()
    response = client.post(reverse("sesi:kunjungan", args=[k.public_id]), data)
    assert response.status_code == 302
    p = Pengukuran.objects.get()
    assert p.berat_kg == 7.5 and p.status_bb == "B" and p.zwei is not None
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    # the saved point is shown on the KMS charts at once: BB/U, PB/U and BB/PB
    assert html.count('<figure class="kms kms-boy">') == 3
    assert html.count('class="child-point"') == 3


def test_no_chart_before_a_measurement_or_without_weight_and_length(client, world, child):
    client.force_login(world.kader_a)
    k = KunjunganFactory.create(sesi=SesiFactory.create(posyandu=world.posyandu_a), sasaran=child)
    assert (
        '<figure class="kms'
        not in client.get(reverse("sesi:kunjungan", args=[k.public_id])).content.decode()
    )
    client.post(reverse("sesi:kunjungan", args=[k.public_id]), {"berat_kg": "7,5"})
    html = client.get(reverse("sesi:kunjungan", args=[k.public_id])).content.decode()
    assert html.count('<figure class="kms kms-boy">') == 1  # BB/U only: no length measured


def test_child_card_table_scrolls_inside_a_phone_screen(client, world, child):
    """The card's 7-column table is wider than a 360 px phone: it sits in a scroll box."""
    client.force_login(world.kader_a)
    measurement_record(sasaran=child, tanggal=date(2026, 3, 10), by=None, berat_kg=7.5)
    html = client.get(reverse("sesi:kartu", args=[child.public_id])).content.decode()
    assert '<div class="table-wrap"><table><thead>' in html


def test_pages_render(client, world, child):
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a)
    k = KunjunganFactory.create(sesi=sesi, sasaran=child)
    measurement_record(
        sasaran=child,
        tanggal=sesi.tanggal,
        by=world.kader_a,
        kunjungan=k,
        berat_kg=7.5,
        tinggi_cm=66,
        cara_ukur="terlentang",
    )
    for url in [
        reverse("sesi:summary", args=[sesi.public_id]),
        reverse("sesi:register", args=[sesi.public_id]),
        reverse("sesi:kartu", args=[child.public_id]),
        reverse("sesi:chart", args=[child.public_id, "bbu"]),
        reverse("sasaran:detail", args=[child.public_id]),
        reverse("sasaran:list"),
        reverse("sasaran:new"),
        reverse("rujukan:list"),
        reverse("rujukan:new", args=[child.public_id]),
        reverse("sesi:jadwal", args=[world.posyandu_a.public_id]),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_person_born_after_the_session_date_is_not_checked_in(client, world):
    """Checking in (or registering from) a past session a baby born after it used to lead to
    a visit page that failed (500) on the age rules."""
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=date(2026, 3, 10))
    baby = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2026, 3, 12))
    response = client.post(reverse("sesi:checkin", args=[sesi.public_id, baby.public_id]))
    assert response.url == reverse("sesi:detail", args=[sesi.public_id])
    assert not Kunjungan.objects.exists()
    page = client.get(response.url).content.decode()
    assert born_after_session_message(baby) in page
    data = {
        "posyandu": world.posyandu_a.pk,
        "nama": "Bayi Baru Lahir",
        "jenis_kelamin": "L",
        "tanggal_lahir": "2026-03-11",
        "persetujuan_oleh": "Ibu",
        "persetujuan_tujuan": ["pelayanan"],
    }
    response = client.post(reverse("sesi:person_new", args=[sesi.public_id]), data)
    new = Sasaran.objects.get(nama="Bayi Baru Lahir")  # registered, not checked in
    assert response.status_code == 302
    assert response.url == reverse("sasaran:detail", args=[new.public_id])
    assert not Kunjungan.objects.exists()
    assert client.get(response.url).status_code == 200


def test_the_referral_button_gives_way_once_the_day_has_a_referral(client, world, child):
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=date(2026, 3, 10))
    k = KunjunganFactory.create(sesi=sesi, sasaran=child)
    # 6 months, 4.5 kg: BB/U below -3 SD suggests a referral
    measurement_record(sasaran=child, tanggal=sesi.tanggal, by=None, kunjungan=k, berat_kg=4.5)
    url = reverse("sesi:kunjungan", args=[k.public_id])
    assert "Buat rujukan" in client.get(url).content.decode()
    referral_create(sasaran=child, alasan="BB/U < -3 SD", by=world.kader_a, tanggal=sesi.tanggal)
    html = client.get(url).content.decode()
    assert "Buat rujukan" not in html
    assert "Rujukan sudah dikirim hari ini (lihat di atas)." in html


def test_a_planned_day_takes_no_check_in_before_it_comes(client, world, child):
    client.force_login(world.kader_a)
    day = timezone.localdate() + timedelta(days=3)
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=day)
    response = client.post(reverse("sesi:checkin", args=[sesi.public_id, child.public_id]))
    assert response.url == reverse("sesi:detail", args=[sesi.public_id])
    assert not Kunjungan.objects.exists()
    page = client.get(response.url).content.decode()
    assert f"Hari Posyandu ini pada {day:%d-%m-%Y}; daftarkan hadir mulai hari itu." in page
