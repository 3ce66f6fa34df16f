"""Session summary: pregnant women due an ANC contact and children due a dose, not come."""

from datetime import date

import pytest
from django.urls import reverse

from posyandu.imunisasi.models import Imunisasi
from posyandu.kia.services import anc_record, pregnancy_register
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import summary
from posyandu.sesi.services import checkin
from posyandu.sesi.tests.factories import SesiFactory

DAY = date(2026, 3, 10)


def woman(world, nama):
    return SasaranFactory.create(
        nama=nama, posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=date(1998, 1, 1)
    )


def pregnant(world, nama, *, weeks_on_day, registered=DAY):
    """Dated by ultrasound on DAY, so the gestational age on DAY is exactly `weeks_on_day`."""
    return pregnancy_register(
        sasaran=woman(world, nama),
        tanggal_daftar=registered,
        by=None,
        usg_tanggal=DAY,
        usg_minggu=weeks_on_day,
    )


@pytest.fixture
def setting(world):
    ani = pregnant(world, "Ani", weeks_on_day=8)  # T1, no visit: 0/1 -> due
    bela = pregnant(world, "Bela", weeks_on_day=8, registered=date(2026, 3, 3))
    anc_record(kehamilan=bela, tanggal=date(2026, 3, 3), by=None)  # T1 1/1 -> not due
    citra = pregnant(world, "Citra", weeks_on_day=17, registered=date(2026, 1, 20))
    anc_record(kehamilan=citra, tanggal=date(2026, 1, 20), by=None, oleh_dokter=True)  # T1 at 10w
    dewi = pregnant(world, "Dewi", weeks_on_day=8)  # due, but she came
    # a baby of exactly 2 months with the birth doses: the 2-month doses are due
    bayi = SasaranFactory.create(
        nama="Bayi", posyandu=world.posyandu_a, tanggal_lahir=date(2026, 1, 10)
    )
    for code in ("HB0", "BCG", "OPV1"):
        Imunisasi.objects.create(
            sasaran=bayi, vaksin=code, tanggal=date(2026, 1, 10), tempat="posyandu"
        )
    # a newborn of 9 days with the birth doses: nothing due yet
    baru = SasaranFactory.create(
        nama="Baru", posyandu=world.posyandu_a, tanggal_lahir=date(2026, 3, 1)
    )
    for code in ("HB0", "BCG", "OPV1"):
        Imunisasi.objects.create(
            sasaran=baru, vaksin=code, tanggal=date(2026, 3, 1), tempat="posyandu"
        )
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=DAY)
    checkin(sesi=sesi, sasaran=dewi.sasaran)
    return {"sesi": sesi, "ani": ani, "citra": citra, "bayi": bayi}


def test_anc_due_and_immunization_due_not_come(world, setting):
    came = {setting["sesi"].kunjungan.get().sasaran_id}
    expected = summary.expected_services(world.posyandu_a, DAY, came)
    assert [(k.sasaran.nama, ev.current_trimester, ev.visits) for k, ev in expected.anc] == [
        ("Ani", 1, 0),
        ("Citra", 2, 1),
    ]
    assert [c.nama for c, _ in expected.imunisasi] == ["Bayi"]
    codes = [d.code for d in expected.imunisasi[0][1]]
    assert "DPT-HB-Hib-1" in codes and "OPV2" in codes and "HB0" not in codes


def test_a_child_who_came_is_not_listed(world, setting):
    checkin(sesi=setting["sesi"], sasaran=setting["bayi"])
    came = set(setting["sesi"].kunjungan.values_list("sasaran_id", flat=True))
    assert summary.expected_services(world.posyandu_a, DAY, came).imunisasi == []


def test_summary_page_lists_them_and_is_scoped(client, world, setting):
    url = reverse("sesi:summary", args=[setting["sesi"].public_id])
    client.force_login(world.kader_a)
    body = client.get(url).content.decode()
    anc = body.split('id="anc-due"')[1].split('id="imunisasi-due"')[0]
    assert "Ani" in anc and "Citra" in anc and "Bela" not in anc and "Dewi" not in anc
    assert "DPT-HB-Hib-1" in body.split('id="imunisasi-due"')[1]
    client.force_login(world.kader_s)
    assert client.get(url).status_code == 404
