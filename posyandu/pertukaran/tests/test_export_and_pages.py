"""The e-PPGBM export (command and download) and the upload pages."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from posyandu.audit.models import AuditEvent
from posyandu.pertukaran.models import ImportBatch
from posyandu.pertukaran.tests import workbooks as wb
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import measurement_record

pytestmark = pytest.mark.django_db


def _people(world):
    budi = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Budi", nik=wb.NIK_BOY, tanggal_lahir=date(2025, 3, 10),
        jenis_kelamin="L", nama_ibu="Siti",
    )  # fmt: skip
    tanpa = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="=cmd|' /C calc'!A0", tanggal_lahir=date(2025, 1, 1)
    )
    kira = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Kira", nik="1471015001250003",
        tanggal_lahir=date(2025, 1, 10), tanggal_lahir_perkiraan=True, jenis_kelamin="P",
    )  # fmt: skip
    measurement_record(
        sasaran=budi, tanggal=date(2026, 8, 5), by=None, berat_kg=Decimal("9.5"),
        tinggi_cm=Decimal("75.2"), cara_ukur="terlentang",
    )  # fmt: skip
    measurement_record(sasaran=tanpa, tanggal=date(2026, 8, 5), by=None, berat_kg=Decimal("9"))
    return budi, tanpa, kira


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def test_export_command_in_each_layout(world, tmp_path):
    _people(world)
    out = tmp_path / "eppgbm.xlsx"
    call_command(
        "export_eppgbm", posyandu=str(world.posyandu_a.public_id), bulan="2026-08",
        layout="identitas_pengukuran", out=str(out), user="bidan_1",
    )  # fmt: skip
    sheets = _sheets(out.read_bytes())
    assert list(sheets) == ["Identitas", "Pengukuran", "Tidak dapat diekspor"]
    identity = sheets["Identitas"]
    assert identity[0] == [
        "No", "NIK", "Nama Anak", "Tanggal Lahir", "Jenis Kelamin", "Nama Ortu", "NIK Ortu",
        "HP Ortu", "Puskesmas", "Kelurahan", "Posyandu", "RT", "RW", "Alamat",
    ]  # fmt: skip
    assert len(identity) == 2 and identity[1][1] == wb.NIK_BOY and identity[1][2] == "Budi"
    assert identity[1][3].date() == date(2025, 3, 10) and identity[1][4] == "L"
    assert sheets["Pengukuran"][0] == [
        "NIK",
        "Nama Anak",
        "Tanggal Ukur",
        "Berat (kg)",
        "Tinggi (cm)",
        "Cara Ukur",
    ]
    assert sheets["Pengukuran"][1][2:] == [sheets["Pengukuran"][1][2], 9.5, 75.2, "terlentang"]
    refused = {row[0]: row[3] for row in sheets["Tidak dapat diekspor"][1:]}
    assert refused == {
        "'=cmd|' /C calc'!A0": "tidak ada NIK",  # neutralised: never a formula
        "Kira": "tanggal lahir hanya perkiraan",
    }
    event = AuditEvent.objects.get(action="export", model="pertukaran.eppgbm")
    assert event.metadata["rows"] == 2 and event.metadata["not_exportable"] == 2

    call_command(
        "export_eppgbm", wilayah="14.71.01.1001", bulan="2026-08",
        layout="data_dasar_pemantauan", out=str(out), user="bidan_1",
    )  # fmt: skip
    sheets = _sheets(out.read_bytes())
    assert list(sheets)[:2] == ["Data Dasar", "Pemantauan"]
    assert "NIK Ayah" not in sheets["Data Dasar"][0]
    assert sheets["Pemantauan"][0][-3:] == ["Status BB/U", "Status TB/U", "Status BB/TB"]
    assert sheets["Pemantauan"][1][-3][:11] == "Berat badan"

    call_command(
        "export_eppgbm", posyandu=str(world.posyandu_a.public_id), bulan="2026-08",
        layout="satu_lembar", out=str(out),
    )  # fmt: skip
    one = _sheets(out.read_bytes())["Data Balita"]
    assert one[0][:4] == ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin"] and len(one) == 2


def test_export_is_scoped(world, tmp_path):
    _people(world)
    with pytest.raises(CommandError, match="di luar wilayah"):
        call_command(
            "export_eppgbm", posyandu=str(world.posyandu_a.public_id), bulan="2026-08",
            out=str(tmp_path / "x.xlsx"), user="kader_s",
        )  # fmt: skip
    with pytest.raises(CommandError):
        call_command(
            "export_eppgbm", wilayah="14.71", bulan="2026-08", out=str(tmp_path / "x.xlsx"),
            user="pokjanal_kota",
        )  # fmt: skip


def test_an_export_reimports_to_nothing_new(world, tmp_path):
    _people(world)
    out = tmp_path / "eppgbm.xlsx"
    call_command(
        "export_eppgbm", posyandu=str(world.posyandu_a.public_id), bulan="2026-08",
        layout="data_dasar_pemantauan", out=str(out),
    )  # fmt: skip
    call_command(
        "import_balita", str(out), posyandu=str(world.posyandu_a.public_id), user="bidan_1"
    )
    batch = ImportBatch.objects.get()
    assert batch.layout == "data_dasar_pemantauan"
    assert batch.jumlah["sasaran_baru"] == 0 and batch.jumlah["pengukuran_baru"] == 0
    assert batch.jumlah["pengukuran_sama"] == 1 and batch.jumlah["ditolak"] == 0


def test_upload_preview_confirm_download_undo(client, world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(world.bidan_1)
    page = client.get(reverse("pertukaran:index"))
    assert page.status_code == 200
    upload = io.BytesIO(wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    upload.name = "balita.xlsx"
    response = client.post(
        reverse("pertukaran:upload"),
        {"tujuan": f"posyandu:{world.posyandu_a.public_id}", "berkas": upload, "layout": ""},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.PRATINJAU
    assert not Sasaran.objects.exists()  # a preview writes nothing
    detail = client.get(reverse("pertukaran:detail", args=[batch.public_id]))
    assert b"Nama kosong." in detail.content and b"Impor sekarang" in detail.content
    client.post(reverse("pertukaran:confirm", args=[batch.public_id]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.SELESAI and batch.jumlah["pengukuran_baru"] == 3
    assert Pengukuran.objects.count() == 3 and not list(tmp_path.glob("pertukaran/*"))
    csv = client.get(reverse("pertukaran:rejected", args=[batch.public_id, "csv"]))
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("Sheet1;7;Nama kosong.")
    xlsx = client.get(reverse("pertukaran:rejected", args=[batch.public_id, "xlsx"]))
    rows = _sheets(xlsx.content)["Sheet1"]
    assert rows[0][:3] == ["Baris", "Alasan", "No"] and rows[1][:2] == [7, "Nama kosong."]
    # the bidan may not undo; the admin may
    client.post(reverse("pertukaran:undo", args=[batch.public_id]), {"alasan": "salah"})
    assert Pengukuran.objects.count() == 3
    client.force_login(world.admin)
    client.post(reverse("pertukaran:undo", args=[batch.public_id]), {"alasan": "salah berkas"})
    assert Pengukuran.objects.count() == 0
    download = client.get(
        reverse("pertukaran:export"),
        {
            "tujuan": f"posyandu:{world.posyandu_a.public_id}",
            "bulan": "2026-08",
            "layout": "satu_lembar",
        },
    )
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd")


def test_pages_are_scoped(client, world):
    client.force_login(world.kader_s)
    upload = io.BytesIO(wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    upload.name = "balita.xlsx"
    response = client.post(
        reverse("pertukaran:upload"),
        {"tujuan": f"posyandu:{world.posyandu_s.public_id}", "berkas": upload},
    )
    assert response.status_code == 403  # a kader does not import
    client.force_login(world.bidan_1)
    upload.seek(0)
    response = client.post(
        reverse("pertukaran:upload"),
        {"tujuan": f"posyandu:{world.posyandu_c.public_id}", "berkas": upload},
    )
    assert response.status_code == 400 and not ImportBatch.objects.exists()  # not a choice
