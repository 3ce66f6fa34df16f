"""The data-team commands: exact CSV, scope of the account, pseudonymization, audit."""

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from posyandu.audit.models import AuditEvent
from posyandu.core.periods import parse_period
from posyandu.laporan.build import rekap_bulanan
from posyandu.laporan.exports.measurements import COLUMNS, PSEUDO_COLUMNS, pseudonym

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
               "--format", "csv", "--user", "bidan_1")  # fmt: skip
    a, a2 = world.posyandu_a, world.posyandu_a2
    expected = [
        "kode,nama,S,K,D,N,T,O,B,2T",
        f"PY{a.id},Posyandu Melati,8,7,6,2,2,1,1,1",
        f"PY{a2.id},Posyandu Mawar,1,0,1,0,0,0,1,0",
        "14.71.01.1001,TOTAL,9,7,7,2,2,1,2,1",
    ]
    assert text.splitlines() == expected
    event = AuditEvent.objects.filter(action="export", model="laporan.skdn").get()
    assert event.actor == world.bidan_1 and event.wilayah_kode == "14.71.01.1001"


def test_report_for_aggregate_only_roles_hides_small_counts(world, built):
    """Issue 16: a Pokjanal member (aggregates only) sees no count of 1-4 children per
    Posyandu; a lone small cell of a column takes the next one (or the total) with it."""
    text = run("report", "skdn", "--wilayah", "14.71.01.1001", "--period", "2025-04",
               "--format", "csv", "--user", "pokjanal_kec")  # fmt: skip
    a, a2 = world.posyandu_a, world.posyandu_a2
    assert text.splitlines() == [
        "kode,nama,S,K,D,N,T,O,B,2T",
        f"PY{a.id},Posyandu Melati,<5,7,<5,<5,<5,<5,<5,<5",
        f"PY{a2.id},Posyandu Mawar,<5,0,<5,0,0,0,<5,0",
        "14.71.01.1001,TOTAL,9,7,7,<5,<5,<5,2,<5",
    ]


def test_report_gizi_of_a_kecamatan(world, built):
    text = run("report", "gizi", "--wilayah", "14.71.01", "--period", "2025-04",
               "--user", "dinkes")  # fmt: skip
    assert text.splitlines() == [
        "kode,nama,diukur,stunting,stunting_berat,wasting,wasting_berat,underweight,overweight,flagged",
        "14.71.01.1001,Jadirejo,6,2,1,0,0,2,1,1",
        "14.71.01.1002,Kampung Tengah,0,0,0,0,0,0,0,0",
        "14.71.01,TOTAL,6,2,1,0,0,2,1,1",
    ]
    aggregate_only = run("report", "gizi", "--wilayah", "14.71.01", "--period", "2025-04",
                         "--user", "pokjanal_kota")  # fmt: skip
    assert aggregate_only.splitlines()[1:] == [
        "14.71.01.1001,Jadirejo,6,<5,<5,0,0,<5,<5,<5",
        "14.71.01.1002,Kampung Tengah,0,0,0,0,0,0,0,0",
        "14.71.01,TOTAL,6,<5,<5,0,0,<5,<5,<5",
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
        expected = PSEUDO_COLUMNS if "--pseudonymize" in extra else COLUMNS
        assert tuple(reader.fieldnames) == expected
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
    with pytest.raises(CommandError, match="agregat"):
        _export(tmp_path, "--user", "pokjanal_kec")
    # issue 16: aggregate-only roles cannot run the pseudonymized export either
    with pytest.raises(CommandError, match="agregat"):
        _export(tmp_path, "--user", "pokjanal_kec", "--pseudonymize")


def test_pseudonymized_export_cannot_be_relinked(world, built, tmp_path):
    rows = _export(tmp_path, "--user", "bidan_1", "--pseudonymize")
    assert tuple(rows[0]) == PSEUDO_COLUMNS
    c = built.children["n"]
    ids = {r["person_id"] for r in rows}
    assert str(c.public_id) not in ids
    # no day anywhere: month of measurement and age in completed months only
    assert (
        "birth_date" not in rows[0] and "measured_on" not in rows[0] and "age_days" not in rows[0]
    )
    assert {len(r["measured_month"]) for r in rows} == {7}
    mine = [r for r in rows if r["measured_month"] == "2025-04" and r["weight_kg"] == "7.2"]
    assert [(r["age_months"], r["zlen"]) for r in mine] == [("14", "-2.5")]  # born 2024-01-10
    # a new random key per export: the same child has another pseudonym next time, and no
    # server secret links it to the public id
    again = _export(tmp_path, "--user", "bidan_1", "--pseudonymize")
    assert ids.isdisjoint({r["person_id"] for r in again})
    assert len({r["person_id"] for r in again}) == len(ids)
    # within one export a child keeps one pseudonym (the growth series stays usable)
    assert pseudonym(c.public_id, b"k") == pseudonym(c.public_id, b"k")
    event = AuditEvent.objects.filter(action="export", model="sesi.Pengukuran").last()
    assert event is not None
    assert event.metadata["pseudonymized"] is True and event.actor == world.bidan_1


def test_export_refuses_outside_the_account(world, built, tmp_path):
    with pytest.raises(CommandError, match="data perorangan di 14.71.01.1001"):
        _export(tmp_path, "--user", "kader_s", "--pseudonymize")
