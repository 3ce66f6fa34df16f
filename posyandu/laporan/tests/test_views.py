"""Dashboards: who sees what, suppression of small numbers, exports that open."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from posyandu.audit.models import AuditEvent
from posyandu.core.periods import parse_period
from posyandu.laporan.build import rekap_bulanan

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(world, skdn_world):
    rekap_bulanan.rekap_rebuild(start=parse_period("2024-05"), end=parse_period("2025-06"))
    return skdn_world


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_pokjanal_kecamatan_sees_its_kecamatan_and_drills_down(client, world, built):
    url = reverse("laporan:wilayah", args=["14.71.01"]) + "?periode=2025-04"
    page = get(client, world.pokjanal_kec, url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jadirejo" in html and "<svg" in html
    assert reverse("laporan:wilayah", args=["14.71.01.1001"]) in html
    desa = client.get(reverse("laporan:wilayah", args=["14.71.01.1001"]) + "?periode=2025-04")
    assert reverse("laporan:posyandu", args=[world.posyandu_a.public_id]) in desa.content.decode()
    unit = client.get(reverse("laporan:posyandu", args=[world.posyandu_a.public_id]))
    assert unit.status_code == 200


@pytest.mark.parametrize(
    ("who", "url_args"),
    [
        ("pokjanal_kec", ("laporan:wilayah", ["14.71.02"])),
        ("pokjanal_kec", ("laporan:wilayah", ["14.71"])),
        ("dinkes_kota", ("laporan:wilayah", ["17.05"])),
        ("kader_a", ("laporan:wilayah", ["14.71.01.1001"])),
        ("pokjanal_kec", ("laporan:wilayah", ["semua"])),
    ],
)
def test_regions_outside_scope_are_404(client, world, built, who, url_args):
    name, args = url_args
    assert get(client, getattr(world, who), reverse(name, args=args)).status_code == 404


def test_kader_sees_own_posyandu_not_another(client, world, built):
    own = reverse("laporan:posyandu", args=[world.posyandu_a.public_id])
    other = reverse("laporan:posyandu", args=[world.posyandu_a2.public_id])
    assert get(client, world.kader_a, own).status_code == 200
    assert client.get(other).status_code == 404
    assert get(client, world.pokjanal_kec, reverse(
        "laporan:posyandu", args=[world.posyandu_c.public_id])).status_code == 404  # fmt: skip


def test_outsider_is_refused(client, world, built):
    assert get(client, world.outsider, reverse("laporan:home")).status_code == 403


def test_home_starts_at_the_users_level(client, world, built):
    assert get(client, world.pokjanal_kota, reverse("laporan:home")).url == reverse(
        "laporan:wilayah", args=["14.71"]
    )
    assert get(client, world.kader_a, reverse("laporan:home")).url == reverse(
        "laporan:posyandu", args=[world.posyandu_a.public_id]
    )


def test_small_unit_shows_counts_not_percentages(client, world, built):
    html = get(
        client,
        world.pokjanal_kec,
        reverse("laporan:posyandu", args=[world.posyandu_a2.public_id]) + "?periode=2025-04",
    ).content.decode()
    assert "Fewer than 5 children" in html or "Kurang dari 5" in html
    assert "100.0%" not in html and "100,0%" not in html  # D/S = 1/1 is never printed


def test_csv_and_xlsx_exports_parse_and_are_audited(client, world, built):
    client.force_login(world.pokjanal_kec)
    base = reverse("laporan:wilayah_export", args=["14.71.01", "skdn", "csv"])
    text = client.get(base + "?periode=2025-04&bentuk=mesin").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["kode", "nama", "S", "K", "D", "N", "T", "O", "B", "2T"]
    # aggregate only (issue 16): counts of 1-4 read <5, with the cell that would give them back
    assert rows[-1] == ["14.71.01", "TOTAL", "9", "7", "7", "<5", "<5", "<5", "<5", "<5"]
    body = client.get(
        reverse("laporan:wilayah_export", args=["14.71.01", "gizi", "xlsx"])
        + "?periode=2025-04&bentuk=mesin"
    ).content
    sheet = load_workbook(io.BytesIO(body)).active
    values = list(sheet.values)
    assert values[0][2] == "diukur" and values[-1][:3] == ("14.71.01", "TOTAL", 6)
    assert AuditEvent.objects.filter(action="export", actor=world.pokjanal_kec).count() == 2


def test_pdf_reports_open(client, world, built):
    client.force_login(world.pokjanal_kec)
    pdf = client.get(reverse("laporan:wilayah_pdf", args=["14.71.01"]) + "?periode=2025-04")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    one = client.get(reverse("laporan:posyandu_pdf", args=[world.posyandu_a.public_id]))
    assert one.content.startswith(b"%PDF") and len(one.content) > 2000
    assert client.get(reverse("laporan:wilayah_pdf", args=["14.71"])).status_code == 404
