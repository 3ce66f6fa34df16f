"""A kader types "9,5" on the visit page of a phone: the page reads 9.5 kg (shown back as
"Terbaca: 9,5 kg" before saving and "Tersimpan: 9,5 kg" after), never 95."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.core.periods import add_months
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_nine_comma_five_on_the_visit_page(phone, live_server, world):
    today = timezone.localdate()
    child = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Dimas",
        jenis_kelamin="L",
        tanggal_lahir=add_months(today, -16),
    )
    sesi = Sesi.objects.create(posyandu=world.posyandu_a, tanggal=today)
    visit = Kunjungan.objects.create(sesi=sesi, sasaran=child, langkah=1)
    page = phone
    sign_in(page, live_server, "kader_a")
    page.goto(live_server.url + reverse("sesi:kunjungan", args=[visit.public_id]))
    box = page.get_by_label("Berat badan (kg)")
    assert box.get_attribute("type") == "text"
    assert box.get_attribute("inputmode") == "decimal"
    box.press_sequentially("9,5")
    page.get_by_text("Terbaca: 9,5 kg").wait_for()
    page.get_by_role("button", name="Simpan pengukuran").click()
    page.get_by_text("Tersimpan: 9,5 kg").wait_for()
    assert Pengukuran.objects.get(sasaran=child).berat_kg == Decimal("9.5")
