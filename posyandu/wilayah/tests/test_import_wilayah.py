import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from posyandu.wilayah.models import Wilayah


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wilayah.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wilayah", file=path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


SAMPLE = """kode,nama
14,Riau
14.71,Kota Pekanbaru
14.71.01,Sukajadi
14.71.01.1001,Jadirejo
14.71.01.1002,Kampung Tengah
"""


@pytest.mark.django_db
def test_import_is_idempotent_and_reports_changes(tmp_path):
    out, _ = run(write(tmp_path, SAMPLE))
    assert "5 ditambah, 0 diubah, 0 tetap" in out
    out, _ = run(write(tmp_path, SAMPLE))
    assert "0 ditambah, 0 diubah, 5 tetap" in out
    out, _ = run(write(tmp_path, SAMPLE.replace("Kampung Tengah", "Kampung Tengah Baru")))
    assert "0 ditambah, 1 diubah, 4 tetap" in out
    desa = Wilayah.objects.get(kode="14.71.01.1002")
    assert (desa.nama, desa.tingkat, desa.induk_id) == ("Kampung Tengah Baru", "desa", "14.71.01")
    assert list(Wilayah.objects.within("14.71.01").values_list("kode", flat=True)) == [
        "14.71.01",
        "14.71.01.1001",
        "14.71.01.1002",
    ]


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_and_reason_not_dropped_silently(tmp_path):
    text = SAMPLE + "14.71.01.99,Salah Format\n14.71.09.1001,Induk Tidak Ada\n14.71.01.1003,\n"
    out, err = run(write(tmp_path, text))
    assert "baris 7: Kode wilayah tidak valid: '14.71.01.99'" in err
    assert "baris 9: nama wilayah kosong untuk kode 14.71.01.1003" in err
    assert "baris 8: induk 14.71.09 untuk kode 14.71.09.1001 tidak ada dalam daftar" in err
    assert "5 ditambah" in out and "3 ditolak" in out


@pytest.mark.django_db
def test_duplicate_code_is_rejected_with_its_line_instead_of_crashing(tmp_path):
    out, err = run(write(tmp_path, SAMPLE + "14.71.01,Sukajadi Lagi\n"))
    assert err.splitlines() == ["ditolak: baris 7: kode 14.71.01 ganda (sudah ada di baris 4)"]
    assert "5 ditambah" in out and "1 ditolak" in out
    assert Wilayah.objects.get(kode="14.71.01").nama == "Sukajadi"


@pytest.mark.django_db
def test_children_of_a_rejected_region_are_rejected_too_with_line_numbers(tmp_path):
    text = SAMPLE + "14.72,\n14.72.01,Kecamatan Yatim\n14.72.01.1001,Desa Yatim\n"
    out, err = run(write(tmp_path, text))
    assert err.splitlines() == [
        "ditolak: baris 7: nama wilayah kosong untuk kode 14.72",
        "ditolak: baris 8: induk 14.72 untuk kode 14.72.01 tidak ada dalam daftar",
        "ditolak: baris 9: induk 14.72.01 untuk kode 14.72.01.1001 tidak ada dalam daftar",
    ]
    assert "5 ditambah" in out and "3 ditolak" in out
    assert not Wilayah.objects.filter(kode__startswith="14.72").exists()


@pytest.mark.django_db
def test_excel_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    out, err = run(path)
    assert "5 ditambah" in out and err == ""


@pytest.mark.django_db
def test_non_utf8_file_is_a_clear_indonesian_error_with_its_line(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_bytes(SAMPLE.encode("utf-8") + "14.71.01.1003,Kampung Dalam\n".encode("cp1252"))
    path.write_bytes(path.read_bytes() + "14.71.01.1004,Pas\u00e9\n".encode("cp1252"))
    with pytest.raises(CommandError, match="baris 8 bukan teks UTF-8; simpan ulang"):
        run(path)
    assert not Wilayah.objects.exists()


@pytest.mark.django_db
def test_missing_columns_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="kolom 'kode' dan 'nama'"):
        run(write(tmp_path, "code,name\n14,Riau\n"))
    with pytest.raises(CommandError, match="Berkas tidak ditemukan"):
        run(tmp_path / "tidak-ada.csv")


@pytest.mark.django_db
def test_retire_missing_marks_vanished_regions_inactive(tmp_path):
    run(write(tmp_path, SAMPLE))
    out = io.StringIO()
    call_command(
        "import_wilayah",
        file=write(tmp_path, SAMPLE.replace("14.71.01.1002,Kampung Tengah\n", "")),
        retire_missing=True,
        stdout=out,
    )
    assert "1 dinonaktifkan" in out.getvalue()
    assert Wilayah.objects.get(kode="14.71.01.1002").aktif is False


@pytest.mark.django_db
def test_the_national_file_loads_all_91599_regions_and_twice_changes_nothing():
    out, err = run(settings.WILAYAH_CSV)
    assert "91599 ditambah, 0 diubah, 0 tetap, 0 dinonaktifkan, 0 ditolak" in out
    assert err == ""
    counts = {t: Wilayah.objects.filter(tingkat=t).count() for t in Wilayah.Tingkat.values}
    assert counts == {"provinsi": 38, "kabkota": 514, "kecamatan": 7285, "desa": 83762}
    out, _ = run(settings.WILAYAH_CSV)
    assert "0 ditambah, 0 diubah, 91599 tetap" in out
    assert Wilayah.objects.get(kode="17.05").nama == "Kabupaten Seluma"
