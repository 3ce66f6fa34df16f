"""The data-team commands: exact CSV, scope of the account, pseudonymization, audit."""

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from posyandu.audit.models import AuditEvent
from posyandu.core.periods import parse_period
from posyandu.laporan.build import rekap_bulanan
from posyandu.laporan.exports.measurements import COLUMNS, pseudonym

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def built(world, skdn_world):
    rekap_bulanan.rekap_rebuild(start=parse_period("2025-01"), end=parse_period("2025-06"))
    return skdn_world


def test_report_skdn_of_a_desa_lists_its_posyandu_and_a_total(world, built):
    text = run("report", "skdn", "--wilayah", "14.71.01.1001", "--period", "2025-04",
               "--format", "csv", "--user", "pokjanal_kec")  # fmt: skip
    a, a2 = world.posyandu_a, world.posyandu_a2
    expected = [
        "kode,nama,S,K,D,N,T,O,B,2T",
        f"PY{a.id},Posyandu Melati,8,7,6,2,2,1,1,1",
        f"PY{a2.id},Posyandu Mawar,1,0,1,0,0,0,1,0",
        "14.71.01.1001,TOTAL,9,7,7,2,2,1,2,1",
    ]
    assert text.splitlines() == expected
    event = AuditEvent.objects.filter(action="export", model="laporan.skdn").get()
    assert event.actor == world.pokjanal_kec and event.wilayah_kode == "14.71.01.1001"


def test_report_gizi_of_a_kecamatan(world, built):
    text = run("report", "gizi", "--wilayah", "14.71.01", "--period", "2025-04",
               "--user", "pokjanal_kota")  # fmt: skip
    assert text.splitlines() == [
        "kode,nama,diukur,stunting,stunting_berat,wasting,wasting_berat,underweight,overweight,flagged",
        "14.71.01.1001,Jadirejo,6,2,1,0,0,2,1,1",
        "14.71.01.1002,Kampung Tengah,0,0,0,0,0,0,0,0",
        "14.71.01,TOTAL,6,2,1,0,0,2,1,1",
    ]


@pytest.mark.parametrize(
    ("username", "kode"),
    [("pokjanal_kec", "14.71.02"), ("kader_a", "14.71.01.1001"), ("dinkes", "17.05")],
)
def test_report_refuses_regions_outside_the_account(world, built, username, kode):
    with pytest.raises(CommandError, match="di luar wilayah"):
        run("report", "skdn", "--wilayah", kode, "--period", "2025-04", "--user", username)


def test_without_a_user_the_server_operator_gets_everything_and_is_audited(world, built):
    from posyandu.audit.models import AuditEvent

    as_operator = run("report", "skdn", "--wilayah", "14.71", "--period", "2025-04")
    as_dinkes = run("report", "skdn", "--wilayah", "14.71", "--period", "2025-04",
                    "--user", "dinkes")  # fmt: skip
    assert as_operator == as_dinkes
    event = AuditEvent.objects.filter(action="export").order_by("id").first()
    assert event is not None
    assert (event.actor, event.actor_username, event.wilayah_kode) == (
        None,
        "server-operator",
        "14.71",
    )


def test_report_needs_a_valid_period(world, built):
    with pytest.raises(CommandError, match="Periode tidak valid"):
        run("report", "skdn", "--wilayah", "14.71", "--period", "2025-13", "--user", "dinkes")


def _export(tmp_path, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / "m.csv"
    call_command("export_measurements", "--wilayah", "14.71.01.1001", "--from", "2025-03",
                 "--to", "2025-04", "--out", str(out), *extra)  # fmt: skip
    with out.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames is not None
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


def test_export_measurements_rows_as_counted(world, built, tmp_path):
    rows = _export(tmp_path, "--user", "bidan_1")
    c = built.children
    mine = [r for r in rows if r["person_id"] == str(c["n"].public_id)]
    assert [(r["measured_on"], r["weight_kg"], r["growth_status"], r["kbm_g"]) for r in mine] == [
        ("2025-03-05", "7.00", "B", ""),
        ("2025-04-05", "7.20", "N", "200"),
        ("2025-04-25", "", "", ""),
    ]
    first = mine[1]
    assert (first["sex"], first["birth_date"], first["age_days"], first["zlen"]) == (
        "1", "2024-01-10", str((date(2025, 4, 5) - date(2024, 1, 10)).days), "-2.50"
    )  # fmt: skip
    ids = {r["person_id"] for r in rows}
    assert str(c["merged"].public_id) not in ids
    moved = [r["measured_on"] for r in rows if r["person_id"] == str(c["moved"].public_id)]
    assert moved == []  # measured 5 April, moved away 10 April: not counted in April
    # D per month recomputed from the export equals the report.
    april = {
        r["person_id"] for r in rows if r["measured_on"].startswith("2025-04") and r["weight_kg"]
    }
    assert len(april) == 7
    event = AuditEvent.objects.filter(action="export", model="sesi.Pengukuran").get()
    assert event.metadata["rows"] == len(rows) and event.metadata["pseudonymized"] is False


def test_export_identities_need_personal_access(world, built, tmp_path):
    with pytest.raises(CommandError, match="--pseudonymize"):
        _export(tmp_path, "--user", "pokjanal_kec")
    rows = _export(tmp_path, "--user", "pokjanal_kec", "--pseudonymize")
    c = built.children["n"]
    assert str(c.public_id) not in {r["person_id"] for r in rows}
    assert pseudonym(c.public_id) in {r["person_id"] for r in rows}
    assert {r["birth_date"] for r in rows if r["person_id"] == pseudonym(c.public_id)} == {
        "2024-01"
    }


def test_export_refuses_outside_the_account(world, built, tmp_path):
    with pytest.raises(CommandError, match="di luar wilayah"):
        _export(tmp_path, "--user", "kader_s", "--pseudonymize")
