"""Import of dirty workbooks of each layout, through the service the command and the upload
page call."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from posyandu.audit.models import AuditEvent
from posyandu.pertukaran.models import ImportBatch
from posyandu.pertukaran.services import ImportRefused, import_file, import_undo, target_for
from posyandu.pertukaran.tests import workbooks as wb
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi
from posyandu.sesi.services import measurement_record

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(world, content, filename="data.xlsx", user=None, posyandu=None, puskesmas=None, **kw):
    user = user or world.bidan_1
    if puskesmas is None:
        posyandu = posyandu or world.posyandu_a
    target = target_for(user, posyandu=posyandu, puskesmas=puskesmas)
    return import_file(content=content, filename=filename, target=target, by=user, **kw)


def test_one_sheet_dirty_xlsx(world):
    report, batch = run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    assert report.layout == "satu_lembar"
    reasons = {r.row: r.reason for r in report.rejected}
    assert sorted(reasons) == [7, 8, 9, 10, 11, 13]
    assert all(r.sheet == "Sheet1" for r in report.rejected)
    assert reasons[7] == "Nama kosong."
    assert reasons[8] == "31/02/2025 bukan tanggal yang valid (tanggal 1-31, bulan 1-12)."
    assert reasons[9].startswith("X bukan jenis kelamin")
    assert reasons[10].startswith("BB: sembilan bukan angka")
    assert "95" in reasons[11]  # beyond the hard limits of sesi
    assert reasons[13] == "Tanggal ukur 01-01-2027 sesudah hari ini."
    assert report.counts["sasaran_baru"] == 2
    assert report.counts["pengukuran_baru"] == 3
    budi = Sasaran.objects.get(nik=wb.NIK_BOY)
    assert budi.tanggal_lahir == date(2025, 3, 10) and budi.jenis_kelamin == "L"
    assert budi.nama_ibu == "Siti Aminah" and budi.posyandu == world.posyandu_a
    first = Pengukuran.objects.filter(sasaran=budi).earliest("tanggal")
    assert first.tanggal == date(2026, 8, 5)
    assert first.berat_kg == Decimal("9.5") and first.tinggi_cm == Decimal("75.2")
    assert first.lila_cm == Decimal("14.1") and first.lingkar_kepala_cm == Decimal("45")
    assert first.kunjungan is not None and first.kunjungan.sesi.posyandu == world.posyandu_a
    second = Pengukuran.objects.filter(sasaran=budi).latest("tanggal")
    assert second.cara_ukur == "terlentang"  # not written: lying under 2 years, as the day
    ani = Sasaran.objects.get(nama="Ani Lestari")
    assert ani.jenis_kelamin == "P" and ani.nik is None
    assert batch.status == ImportBatch.Status.SELESAI
    assert batch.jumlah["ditolak"] == 6
    events = AuditEvent.objects.filter(action="import", object_id=str(batch.public_id))
    assert events.count() == 1
    assert events.get().metadata["pengukuran_baru"] == 3


def test_growth_results_equal_those_of_the_day(world):
    run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    imported = Pengukuran.objects.get(sasaran__nik=wb.NIK_BOY, tanggal=date(2026, 9, 9))
    twin = SasaranFactory.create(
        posyandu=world.posyandu_a2, tanggal_lahir=date(2025, 3, 10), jenis_kelamin="L"
    )
    measurement_record(
        sasaran=twin, tanggal=date(2026, 8, 5), by=None, berat_kg=Decimal("9.5"),
        tinggi_cm=Decimal("75.2"), cara_ukur="terlentang", lila_cm=Decimal("14.1"),
        lingkar_kepala_cm=Decimal("45"),
    )  # fmt: skip
    day = measurement_record(
        sasaran=twin, tanggal=date(2026, 9, 9), by=None, berat_kg=Decimal("9.8"),
        tinggi_cm=Decimal("76"), cara_ukur="terlentang",
    ).pengukuran  # fmt: skip
    for name in (
        "zwei",
        "zlen",
        "zwfl",
        "zbmi",
        "kategori",
        "status_bb",
        "kbm_g",
        "perlu_cek_ulang",
    ):
        assert getattr(imported, name) == getattr(day, name), name
    assert imported.status_bb == "N" and imported.zwei is not None


def test_dry_run_writes_nothing_and_reports_the_same_counts(world):
    content = wb.xlsx({"Sheet1": wb.one_sheet_rows()})
    before = (Sasaran.objects.count(), Pengukuran.objects.count(), Sesi.objects.count())
    dry, batch = run(world, content, dry_run=True)
    assert batch is None
    assert (Sasaran.objects.count(), Pengukuran.objects.count(), Sesi.objects.count()) == before
    assert not Kunjungan.objects.exists() and not ImportBatch.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()
    real, _batch = run(world, content)
    assert dry.counts == real.counts
    assert [(r.row, r.reason) for r in dry.rejected] == [(r.row, r.reason) for r in real.rejected]


def test_reimport_creates_nothing(world):
    content = wb.xlsx({"Sheet1": wb.one_sheet_rows()})
    run(world, content)
    counts = (Sasaran.objects.count(), Pengukuran.objects.count(), Kunjungan.objects.count())
    again, _batch = run(world, content)
    assert (
        Sasaran.objects.count(),
        Pengukuran.objects.count(),
        Kunjungan.objects.count(),
    ) == counts
    assert again.counts["sasaran_baru"] == 0 and again.counts["pengukuran_baru"] == 0
    assert again.counts["sasaran_cocok"] == 2 and again.counts["pengukuran_sama"] == 3


def test_other_values_on_a_day_already_measured_are_rejected_not_overwritten(world):
    run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    rows = wb.one_sheet_rows()[:4]
    rows[3][7] = "9,9"  # the same child and day, another weight
    report, _batch = run(world, wb.xlsx({"Sheet1": rows}))
    assert [r.row for r in report.rejected] == [4]
    assert "sudah punya pengukuran pada 05-08-2026" in report.rejected[0].reason
    assert Pengukuran.objects.get(
        sasaran__nik=wb.NIK_BOY, tanggal=date(2026, 8, 5)
    ).berat_kg == Decimal("9.5")


def test_people_match_by_name_birth_and_mother(world):
    known = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Ani Lestari", tanggal_lahir=date(2024, 6, 1),
        jenis_kelamin="P", nama_ibu="Rina", telepon="",
    )  # fmt: skip
    rows: list[list] = [wb.one_sheet_rows()[2], wb.one_sheet_rows()[5]]
    rows[1][1] = wb.NIK_GIRL.replace("5003250002", "4106240003")  # a NIK for Ani: filled in
    report, batch = run(world, wb.xlsx({"Data": rows}))
    assert report.counts["sasaran_baru"] == 0 and report.counts["sasaran_diperbarui"] == 1
    known.refresh_from_db()
    assert known.nik == "1471014106240003"
    assert Pengukuran.objects.filter(sasaran=known).count() == 1
    import_undo(batch=batch, by=world.admin, reason="salah berkas")
    known.refresh_from_db()
    assert known.nik is None and known.deleted_at is None  # put back, not voided


def test_semicolon_csv_with_bom_and_decimal_comma(world):
    rows = [r for r in wb.one_sheet_rows()[2:6]]
    report, _batch = run(world, wb.csv_bytes(rows, ";"), filename="data.csv")
    assert report.layout == "satu_lembar" and report.rejected == []
    assert report.counts["pengukuran_baru"] == 3
    ani = Pengukuran.objects.get(sasaran__nama="Ani Lestari")
    assert ani.berat_kg == Decimal("10.1") and ani.cara_ukur == "berdiri"


def test_comma_csv_in_windows_encoding(world):
    rows = [
        ["NIK", "Nama", "Tgl Lahir", "Jenis Kelamin", "Nama Ibu", "Tgl Ukur", "Berat", "Tinggi"],
        ["", "Désy", "01-02-2025", "2", "Ibu", "09/09/2026", "8.1", "72.4"],
    ]
    report, _batch = run(world, wb.csv_bytes(rows, ",", "cp1252"), filename="data.csv")
    assert report.counts["pengukuran_baru"] == 1
    assert Sasaran.objects.get(nama="Désy").jenis_kelamin == "P"


def test_identity_and_measurement_sheets(world):
    identity: list[list] = [
        ["No", "NIK", "Nama Anak", "Tanggal Lahir", "Jenis Kelamin", "Nama Ortu", "Posyandu"],
        [1, wb.NIK_BOY, "budi santoso", wb.SERIAL_2025_03_10, "Laki-laki", "Siti", "Melati"],
        [2, "", "Cinta", "2025-01-20", "P", "Dewi", "Mawar"],
        [3, "", "Dimas", "2025-02-21", "L", "Wulan", "Kamboja"],  # no such Posyandu
    ]
    measures = [
        ["NIK / Nama", "tgl. ukur", "BB", "TB", "Cara Ukur"],
        [wb.NIK_BOY, "05-09-2026", "9,7", "75,9", "Terlentang"],
        ["", "05-09-2026", "8", "71", "berbaring"],  # names no child
    ]
    # the Puskesmas: each row names its Posyandu
    content = wb.xlsx({"Identitas": identity, "Pengukuran": measures})
    report, _batch = run(world, content, user=world.puskesmas_staff, puskesmas=world.puskesmas_1)
    assert report.layout == "identitas_pengukuran"
    reasons = {(r.sheet, r.row): r.reason for r in report.rejected}
    assert set(reasons) == {("Identitas", 4), ("Pengukuran", 3)}
    assert "Kamboja" in reasons[("Identitas", 4)]
    assert Sasaran.objects.get(nama="Cinta").posyandu == world.posyandu_a2
    budi = Sasaran.objects.get(nik=wb.NIK_BOY)
    assert budi.posyandu == world.posyandu_a
    assert Pengukuran.objects.get(sasaran=budi).tinggi_cm == Decimal("75.9")


def test_data_dasar_pemantauan_xls(world):
    content = (FIXTURES / "data_dasar_pemantauan.xls").read_bytes()
    report, _batch = run(world, content, filename="eppgbm.xls")
    assert report.layout == "data_dasar_pemantauan"
    rejected = {(r.sheet, r.row) for r in report.rejected}
    assert rejected == {("Data Dasar", 4), ("Pemantauan", 4)}
    rizki = Sasaran.objects.get(nik="1471011506240003")
    assert rizki.tanggal_lahir == date(2024, 6, 15) and rizki.berat_lahir_g == 3100
    assert rizki.panjang_lahir_cm == Decimal("49.5") and rizki.nama_ibu == "Nurhayati"
    salsa = Sasaran.objects.get(nama="Salsa Putri")
    assert salsa.berat_lahir_g == 2900 and salsa.tanggal_lahir == date(2024, 11, 2)
    p = Pengukuran.objects.get(sasaran=rizki)
    assert (p.tanggal, p.berat_kg, p.lingkar_kepala_cm, p.lila_cm) == (
        date(2026, 8, 12), Decimal("10.2"), Decimal("46"), Decimal("15"),
    )  # fmt: skip
    assert Pengukuran.objects.get(sasaran=salsa).tinggi_cm == Decimal("70.5")


def test_undo_voids_what_the_import_created(world):
    report, batch = run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    with pytest.raises(ValueError, match="administrator"):
        import_undo(batch=batch, by=world.bidan_1, reason="salah")
    done = import_undo(batch=batch, by=world.admin, reason="berkas salah")
    assert done["sesi.Pengukuran:dibatalkan"] == 3 and done["sasaran.Sasaran:dibatalkan"] == 2
    assert not Sasaran.objects.filter(posyandu=world.posyandu_a).exists()
    assert not Pengukuran.objects.exists() and not Kunjungan.objects.exists()
    voided = Pengukuran.all_objects.earliest("pk")
    assert voided.alasan_batal.endswith("berkas salah") and voided.dibatalkan_oleh == world.admin
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DIBATALKAN
    # imported again after the undo: everything is new again
    again, _ = run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    assert again.counts["sasaran_baru"] == 2 and again.counts["pengukuran_baru"] == 3


def test_undo_keeps_a_person_someone_has_measured_since(world):
    _report, batch = run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    budi = Sasaran.objects.get(nik=wb.NIK_BOY)
    measurement_record(sasaran=budi, tanggal=date(2026, 9, 15), by=None, berat_kg=Decimal("10"))
    done = import_undo(batch=batch, by=world.admin, reason="salah")
    assert done["sasaran.Sasaran:dipertahankan"] == 1
    assert Sasaran.objects.filter(pk=budi.pk).exists()
    assert list(Pengukuran.objects.filter(sasaran=budi).values_list("berat_kg", flat=True)) == [
        Decimal("10")
    ]


def test_scope(world):
    with pytest.raises(ImportRefused):
        target_for(world.bidan_1, posyandu=world.posyandu_c)  # another Puskesmas's Posyandu
    with pytest.raises(ImportRefused):
        target_for(world.kader_a, posyandu=world.posyandu_a)  # a kader does not import
    with pytest.raises(ImportRefused):
        target_for(world.puskesmas_staff, puskesmas=world.puskesmas_2)
    # a NIK registered outside the importer's area is refused, never moved or duplicated
    SasaranFactory.create(
        posyandu=world.posyandu_c, nik=wb.NIK_BOY, tanggal_lahir=date(2025, 3, 10)
    )
    report, _batch = run(world, wb.xlsx({"Sheet1": wb.one_sheet_rows()[:5]}))
    assert [r.row for r in report.rejected] == [4, 5]
    assert "di luar wilayah Anda" in report.rejected[0].reason


def test_command_dry_run_and_rejected_file(world, tmp_path, capsys):
    path = tmp_path / "balita.xlsx"
    path.write_bytes(wb.xlsx({"Sheet1": wb.one_sheet_rows()}))
    out = tmp_path / "ditolak.csv"
    call_command(
        "import_balita", str(path), posyandu=str(world.posyandu_a.public_id),
        user="bidan_1", dry_run=True, rejected=str(out),
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert "UJI COBA" in printed and "sasaran baru: 2" in printed
    assert "DITOLAK lembar Sheet1 baris 7: Nama kosong." in printed
    assert not Sasaran.objects.exists()
    text = out.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Lembar;Baris;Alasan")
    assert lines[1].startswith("Sheet1;7;Nama kosong.")
    assert "'=HYPERLINK" in text  # neutralised
    with pytest.raises(CommandError, match="di luar wilayah"):
        call_command(
            "import_balita", str(path), posyandu=str(world.posyandu_c.public_id), user="bidan_1"
        )
