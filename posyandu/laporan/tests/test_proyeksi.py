"""Issue 15: official denominators (sasaran proyeksi): import, and coverage against both."""

import csv
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from posyandu.audit.models import AuditEvent
from posyandu.laporan import proyeksi
from posyandu.laporan.models import SasaranProyeksi, SumberProyeksi
from posyandu.laporan.tests.test_cakupan import _immunized_desa, pdf_cells

pytestmark = pytest.mark.django_db


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DINKES_FILE: list[list[object]] = [
    ["Proyeksi sasaran program kesehatan Kota Pekanbaru 2025"],  # title rows are skipped
    [],
    ["Kode wilayah", "Nama", "Bayi", "Balita", "Ibu hamil", "Ibu bersalin", "Usia produktif",
     "Usia lanjut"],
    ["14.71.01.1001", "Jadirejo", 10, 52.4, "11,6", 11, 800, None],  # line 4
    ["1471011002", "Kampung Tengah", 3, 20, 4, 4, 300, 40],  # digits only
    ["14.71.01.9999", "Tidak ada", 5, 5, 5, 5, 5, 5],  # unknown code
    ["14.71.01.1001", "Lagi", 1, 1, 1, 1, 1, 1],  # duplicate
    ["abc", "", 1, 1, 1, 1, 1, 1],  # malformed code
    ["14.71.02", "Senapelan", -3, 10, 10, 10, 10, 10],  # negative
    ["14.71.02.1001", "Padang Bulan", "banyak", 10, 10, 10, 10, 10],  # not a number
    ["17.05.01", "Seluma", 9, 9, 9, 9, 9, 9],  # outside the Dinkes' region
    ["14.71", "Kota", 9, 9, 9, 9, 9, 9],  # a kab/kota row: desa or kecamatan only
    ["14.71.02", "Senapelan", None, None, None, None, None, None],  # no numbers (line 13)
]  # fmt: skip


def _import(user, rows=DINKES_FILE, versi="2025-v1"):
    content = workbook(rows)
    return content, proyeksi.proyeksi_import(
        content=content, filename="proyeksi_2025.xlsx", tahun=2025,
        nama="Dinkes Kota Pekanbaru", versi=versi, by=user,
    )  # fmt: skip


def test_import_keeps_good_rows_and_reports_bad_ones_with_line_and_reason(world):
    content, result = _import(world.dinkes_kota)
    assert result.accepted == 2 and result.values == 11
    reasons = dict(result.rejected)
    assert sorted(reasons) == [6, 7, 8, 9, 10, 11, 12, 13]
    assert reasons[6] == "Kode wilayah 14.71.01.9999 tidak dikenal."
    assert reasons[7] == "Kode 14.71.01.1001 sudah ada di baris 4."
    assert reasons[8].startswith("Kode wilayah tidak valid")
    assert reasons[9] == "bayi: angka negatif: -3"
    assert reasons[10] == "bayi: bukan angka: 'banyak'"
    assert reasons[11] == "Wilayah 17.05.01 di luar wilayah akun Anda."
    assert "bukan desa atau kecamatan" in reasons[12]
    assert reasons[13] == "Baris 14.71.02 tidak berisi angka sasaran."
    values = dict(
        SasaranProyeksi.objects.filter(wilayah_kode="14.71.01.1001").values_list(
            "kelompok", "jumlah"
        )
    )
    # 52.4 rounds to 52, "11,6" (decimal comma) to 12; a blank cell is not given (not 0).
    assert values == {"bayi": 10, "balita": 52, "ibu_hamil": 12, "ibu_bersalin": 11,
                      "usia_produktif": 800}  # fmt: skip
    sumber = result.sumber
    assert sumber is not None and (sumber.versi, sumber.tahun) == ("2025-v1", 2025)
    assert sumber.sha256 == hashlib.sha256(content).hexdigest()
    assert (sumber.baris_diterima, sumber.baris_ditolak) == (2, 8)
    event = AuditEvent.objects.get(action="import", model="laporan.SasaranProyeksi")
    assert event.metadata["versi"] == "2025-v1" and event.actor == world.dinkes_kota


def test_a_newer_version_replaces_values_and_keeps_the_older_source(world):
    _import(world.dinkes_kota)
    rows = [["kode_wilayah", "bayi"], ["14.71.01.1001", 12]]
    _content, result = _import(world.dinkes_kota, rows, versi="2025-v2")
    row = SasaranProyeksi.objects.get(wilayah_kode="14.71.01.1001", kelompok="bayi")
    assert row.jumlah == 12 and row.sumber == result.sumber
    assert SasaranProyeksi.objects.get(wilayah_kode="14.71.01.1001", kelompok="balita").jumlah == 52
    assert list(SumberProyeksi.objects.values_list("versi", flat=True)) == ["2025-v2", "2025-v1"]


def test_command_imports_csv_and_lists_rejected_rows(world, tmp_path: Path):
    path = tmp_path / "sasaran.csv"
    path.write_text(
        "kode_wilayah;nama;bayi;balita\n14.71.01.1002;Kampung Tengah;3;20\nxx;;1;1\n",
        encoding="utf-8-sig",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_proyeksi", str(path), "--tahun", "2025", "--sumber", "Dinkes",
                 "--versi", "v1", "--user", "dinkes", stdout=out, stderr=err)  # fmt: skip
    assert "1 baris diterima (2 nilai), 1 baris ditolak" in out.getvalue()
    assert "Baris 3: Kode wilayah tidak valid" in err.getvalue()
    with pytest.raises(CommandError, match="tidak boleh mengimpor"):
        call_command("import_proyeksi", str(path), "--tahun", "2025", "--sumber", "x",
                     "--versi", "v", "--user", "pokjanal_kec")  # fmt: skip


def test_upload_page_for_dinkes_only(client, world):
    url = reverse("laporan:proyeksi")
    client.force_login(world.pokjanal_kec)
    assert client.get(url).status_code == 403
    client.force_login(world.dinkes_kota)
    upload = SimpleUploadedFile("p.xlsx", workbook(DINKES_FILE))
    page = client.post(url, {"berkas": upload, "tahun": 2025, "sumber": "Dinkes", "versi": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kode wilayah 14.71.01.9999 tidak dikenal." in html and "Dinkes" in html


# --- Coverage against both denominators (hand-computed) ---------------------------------------


@pytest.fixture
def targets(world):
    """IDL: Jadirejo 4 of 5 registered (80.0 %), Kampung Tengah 1 of 1; projected bayi 10 and 3:
    40.0 % and 33.3 %; the kecamatan 5 of 6 (83.3 %) and 5 of 13 (38.5 %)."""
    _immunized_desa(world)
    rows = [["kode_wilayah", "bayi"], ["14.71.01.1001", 10], ["14.71.01.1002", 3]]
    _import(world.dinkes_kota, rows)


def test_coverage_against_both_denominators(client, world, targets):
    assert proyeksi.targets(kode="14.71.01", tahun=2025).values == {"bayi": 13}
    kota = proyeksi.targets(kode="14.71", tahun=2025)
    assert kota.values == {"bayi": 13} and (kota.units_with, kota.units_total) == (1, 2)
    client.force_login(world.dinkes_kota)  # personal access: no small-number suppression
    url = reverse("laporan:wilayah_export", args=["14.71.01", "cakupan", "csv"])
    body = client.get(url + "?periode=2025-04&bentuk=mesin").content.decode()
    rows = {r["kode"]: r for r in csv.DictReader(io.StringIO(body))}
    pick = ("idl_n", "idl_d", "idl_pct", "idl_dp", "idl_pctp")
    assert [rows["14.71.01"][k] for k in pick] == ["5", "6", "83.3", "13", "38.5"]
    assert [rows["14.71.01.1001"][k] for k in pick] == ["4", "5", "80.0", "10", "40.0"]
    assert [rows["14.71.01.1002"][k] for k in pick][3:] == ["3", "33.3"]
    page = client.get(reverse("laporan:wilayah", args=["14.71.01"]) + "?periode=2025-04")
    html = page.content.decode()
    assert "83,3%" in html and "38,5%" in html and "5 / 13" in html
    assert "Dinkes Kota Pekanbaru (2025-v1)" in html


def test_kabkota_pdf_exists_with_both_denominators(client, world, targets):
    client.force_login(world.pokjanal_kec)
    url = reverse("laporan:wilayah_pdf", args=["14.71"]) + "?periode=2025-04"
    assert client.get(url).status_code == 404  # above the kecamatan Pokjanal's region
    client.force_login(world.dinkes_kota)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    lines = [text for _, text in pdf_cells(response.content)]
    assert lines[0] == "Laporan bulanan Wilayah 14.71 - 2025-04"
    assert "Kecamatan" in lines  # the units' column
    row = lines.index("Imunisasi dasar lengkap (IDL)")
    assert lines[row + 1 : row + 7] == ["5", "6", "83.3%", "13", "38.5%", "100%"]
    sukajadi = lines.index("Sukajadi")
    assert lines[sukajadi - 1] == "14.71.01"
    client.force_login(world.pokjanal_kota)
    assert client.get(url).status_code == 200
    dashboard = client.get(reverse("laporan:wilayah", args=["14.71"]) + "?periode=2025-04")
    assert reverse("laporan:wilayah_pdf", args=["14.71"]) in dashboard.content.decode()
