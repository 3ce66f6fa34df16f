"""Issue 11, section 4: a pregnant woman's visit does not ask weight and LiLA twice. The ANC
form of the visit page takes them (like the blood pressure) from today's measurement; without
a measurement that day the ANC form still asks for them."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from posyandu.kia.models import KunjunganAnc
from posyandu.kia.services import anc_record, pregnancy_register
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.services import measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory
from tests.clock import TODAY


def _pregnant(world):
    woman = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Ibu Sari",
        jenis_kelamin="P",
        tanggal_lahir=date(1996, 4, 2),
    )
    kehamilan = pregnancy_register(
        sasaran=woman, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(weeks=20)
    )
    return woman, kehamilan


def _anc_form(page):
    return page.split('id="kia-panel"')[1].split("</form>")[0]


def test_the_visit_page_anc_entry_takes_weight_and_lila_from_the_measurement(client, world):
    woman, kehamilan = _pregnant(world)
    kunjungan = KunjunganFactory.create(
        sesi=SesiFactory.create(posyandu=world.posyandu_a, tanggal=TODAY), sasaran=woman
    )
    measurement_record(
        sasaran=woman,
        tanggal=TODAY,
        by=None,
        kunjungan=kunjungan,
        berat_kg=Decimal("58.4"),
        lila_cm=Decimal("24.5"),
        sistole=118,
        diastole=76,
    )
    client.force_login(world.kader_a)
    page = client.get(reverse("sesi:kunjungan", args=[kunjungan.public_id])).content.decode()
    form = _anc_form(page)
    assert "Berat badan (dari pengukuran hari ini): <strong>58,40 kg</strong>" in form
    assert "LiLA (dari pengukuran hari ini): <strong>24,5 cm</strong>" in form
    assert "Tekanan darah (dari pengukuran hari ini): <strong>118/76 mmHg</strong>" in form
    for name in ("berat_kg", "lila_cm", "sistole", "diastole"):
        assert f'name="{name}"' not in form  # typed once, in langkah 2
    assert 'name="hb"' in form and 'name="ttd_tablet"' in form  # what only ANC asks stays

    url = reverse("kia:action", args=[woman.public_id, "anc"])
    client.post(url, {"kunjungan": str(kunjungan.public_id), "hb": "11,2", "ttd_tablet": "30"})
    visit = KunjunganAnc.objects.get(kehamilan=kehamilan)
    assert (visit.berat_kg, visit.lila_cm, visit.sistole, visit.diastole, visit.hb) == (
        Decimal("58.40"),
        Decimal("24.5"),
        118,
        76,
        Decimal("11.2"),
    )


def test_without_a_measurement_today_the_anc_form_asks_and_keeps_what_is_typed(client, world):
    woman, kehamilan = _pregnant(world)
    measurement_record(  # yesterday's does not count for today
        sasaran=woman, tanggal=TODAY - timedelta(days=1), by=None, berat_kg=Decimal("57")
    )
    client.force_login(world.kader_a)
    url = reverse("kia:action", args=[woman.public_id, "anc"])
    page = client.post(url, {"berat_kg": "58,9", "lila_cm": "22,8"}).content.decode()
    visit = KunjunganAnc.objects.get(kehamilan=kehamilan)
    assert (visit.berat_kg, visit.lila_cm) == (Decimal("58.90"), Decimal("22.8"))
    form = _anc_form(page)
    assert 'name="berat_kg"' in form and 'name="lila_cm"' in form
    assert "dari pengukuran hari ini" not in form


def test_a_typed_value_is_never_overwritten_by_the_measurement(world):
    woman, kehamilan = _pregnant(world)
    measurement_record(sasaran=woman, tanggal=TODAY, by=None, berat_kg=Decimal("58.4"))
    visit = anc_record(kehamilan=kehamilan, tanggal=TODAY, by=None, berat_kg=Decimal("59.0"))
    assert (visit.berat_kg, visit.lila_cm) == (Decimal("59.0"), None)
