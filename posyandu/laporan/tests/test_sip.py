"""SIP formats 1-5 of Posyandu A, April 2025 (today 15 June 2025, conftest), hand-built."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from posyandu.audit.models import AuditEvent
from posyandu.imunisasi.models import Imunisasi
from posyandu.kia.models import Kehamilan, KunjunganAnc, Persalinan
from posyandu.laporan.exports import sip
from posyandu.laporan.tests.factories import child, weigh
from posyandu.sesi.models import Kunjungan, Sesi
from posyandu.skrining.models import HasilSkrining

pytestmark = pytest.mark.django_db
APRIL = 2025 * 12 + 3


@pytest.fixture
def april(world):
    a = world.posyandu_a
    p = {
        "bayi": child(a, date(2024, 11, 10), nama="Bayi"),
        "balita": child(a, date(2022, 10, 1), "P", nama="Balita"),
        "bumil": child(a, date(1998, 1, 1), "P", nama="Bumil"),
        "busui": child(a, date(1997, 1, 1), "P", nama="Busui"),
        "wus": child(a, date(2000, 1, 1), "P", nama="Wus"),
        "bapak": child(a, date(1985, 1, 1), "L", nama="Bapak"),
    }
    child(a, date(2025, 4, 30), nama="Lahir April")
    child(
        a, date(2024, 12, 1), nama="Meninggal", status="meninggal", status_sejak=date(2025, 4, 10)
    )
    sesi = Sesi.objects.create(
        posyandu=a, tanggal=date(2025, 4, 8), kader_hadir=4, nakes_hadir=True
    )
    for s in p.values():
        Kunjungan.objects.create(sesi=sesi, sasaran=s)
    k = Kehamilan.objects.create(
        sasaran=p["bumil"], tanggal_daftar=date(2025, 1, 10), dasar="hpht", hpl=date(2025, 8, 1)
    )
    KunjunganAnc.objects.create(
        kehamilan=k, tanggal=date(2025, 2, 1), berat_kg=Decimal("58.0"), ttd_tablet=30
    )
    KunjunganAnc.objects.create(
        kehamilan=k,
        tanggal=date(2025, 4, 2),
        berat_kg=Decimal("60.0"),
        ttd_tablet=30,
        lila_cm=Decimal("24.0"),
    )
    done = Kehamilan.objects.create(
        sasaran=p["busui"],
        tanggal_daftar=date(2024, 6, 1),
        dasar="hpht",
        hpl=date(2025, 1, 10),
        status="bersalin",
    )
    Persalinan.objects.create(kehamilan=done, tanggal=date(2025, 1, 5))
    weigh(p["balita"], date(2025, 3, 5), "8.0")
    weigh(p["balita"], date(2025, 3, 20), "8.2", status_bb="N")
    weigh(p["wus"], date(2025, 4, 8), None, lila_cm=Decimal("23.5"))
    HasilSkrining.objects.create(
        sasaran=p["balita"],
        tanggal=date(2025, 2, 10),
        definisi="vitamin_a",
        definisi_versi="t",
        kategori="diberikan",
        tingkat="ok",
    )
    Imunisasi.objects.create(
        sasaran=p["bayi"], vaksin="BCG", tanggal=date(2024, 11, 20), tempat="posyandu"
    )
    for day in (date(2024, 1, 1), date(2024, 2, 15)):
        Imunisasi.objects.create(sasaran=p["wus"], vaksin="Td", tanggal=day, tempat="posyandu")
    return p


def test_format_5_counts(world, april):
    counts = sip.format_5_counts(world.posyandu_a, APRIL)
    assert counts == {
        "bayi": 1, "balita": 1, "wus": 1, "bumil": 1, "busui": 1, "lainnya": 1,
        "kelahiran": 1, "kematian": 1, "sesi": 1, "kader_hadir": 4, "sesi_nakes_hadir": 1,
    }  # fmt: skip


@translation.override("en")
def test_formats_1_to_4(world, april):
    f1 = sip.format_1(world.posyandu_a, APRIL)
    groups = sorted((r[0], r[1]) for r in f1.rows)
    assert groups == [("Birth", "Lahir April"), ("Death", "Meninggal"), ("Pregnant", "Bumil")]
    assert [r[-1] for r in f1.rows if r[0] == "Death"] == ["baby"]  # 4 months old
    f2 = {r[0]: r for r in sip.format_2(world.posyandu_a, APRIL).rows}
    cols = sip.format_2(world.posyandu_a, APRIL).columns
    balita = dict(zip(cols, f2["Balita"], strict=True))
    assert balita["BB 03"] == "8.20 N" and balita["BB 04"] == "" and balita["Vit A II"] == "v"
    assert "BCG 20-11-24" in f2["Bayi"][-1] and "BB 05" not in cols
    f3 = {r[0]: r for r in sip.format_3(world.posyandu_a, APRIL).rows}
    # 23.5 cm is not KEK: the one KEK rule (kia rules/risiko.json) is LiLA < 23.5 cm.
    assert f3["Wus"][2:5] == [Decimal("23.5"), "-", "T2"]
    assert sip.format_3(world.posyandu_a, APRIL).columns[3] == "LiLA < 23.5"
    assert f3["Bumil"][2:5] == [Decimal("24.0"), "-", "T0"]
    assert "Bapak" not in f3
    f4 = sip.format_4(world.posyandu_a, APRIL)
    row = dict(zip(f4.columns, f4.rows[0], strict=True))
    assert f4.rows[0][0] == "Bumil" and row["HPL"] == date(2025, 8, 1)
    assert (row["BB 02"], row["BB 03"], row["BB 04"], row["TTD"]) == (
        Decimal("58.0"),
        "",
        Decimal("60.0"),
        60,
    )


def test_sip_pages_are_personal(client, world, april):
    url = reverse("laporan:sip", args=[world.posyandu_a.public_id, 5]) + "?periode=2025-04"
    client.force_login(world.kader_a)
    page = client.get(url)
    assert page.status_code == 200 and "F5" in page.content.decode()
    xlsx = client.get(
        reverse("laporan:sip_xlsx", args=[world.posyandu_a.public_id, 2]) + "?periode=2025-04"
    )
    sheet = load_workbook(BytesIO(xlsx.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Balita" in names and "Bayi" in names
    assert AuditEvent.objects.filter(action="export", model="laporan.sip2").exists()
    dashboard = client.get(reverse("laporan:posyandu", args=[world.posyandu_a.public_id]))
    assert (
        reverse("laporan:sip", args=[world.posyandu_a.public_id, 1]) in dashboard.content.decode()
    )
    # A kader of another Posyandu: 404; a Pokjanal role has no personal scope at all: 403.
    for user, status in ((world.kader_s, 404), (world.pokjanal_kec, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
    dashboard = client.get(reverse("laporan:posyandu", args=[world.posyandu_a.public_id]))
    assert dashboard.status_code == 200
    assert (
        reverse("laporan:sip", args=[world.posyandu_a.public_id, 1])
        not in dashboard.content.decode()
    )
    client.force_login(world.kader_a)
    assert (
        client.get(reverse("laporan:sip", args=[world.posyandu_a.public_id, 6])).status_code == 404
    )
