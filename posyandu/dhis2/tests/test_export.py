"""`dhis2 export`: the same cells as `report`, as dataValueSets JSON or ADX, unmapped units
listed, restricted and audited like the reports."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from posyandu.audit.models import AuditEvent
from posyandu.dhis2.mapping import MappingError, load_mapping, report_columns
from posyandu.dhis2.tests.conftest import CELLS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("june_2025")]
ADX = "{urn:ihe:qrph:adx:2015}"
DESA_LEVEL = {"level": "desa", "rule": "kemendagri", "strip_dots": True, "prefix": "OU"}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def report(kind: str, kode: str, period: str = "2025-04") -> dict[str, dict[str, str]]:
    """{unit code: {column: text}} of `manage.py report`, the TOTAL row under "TOTAL"."""
    text, _ = run("report", kind, "--wilayah", kode, "--period", period, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {("TOTAL" if r["nama"] == "TOTAL" else r["kode"]): r for r in rows}


def export_json(tmp_path: Path, kode: str, *extra: str) -> tuple[dict, str]:
    out = tmp_path / "out.json"
    _, err = run("dhis2", "export", "--wilayah", kode, "--period", "2025-04",
                 "--format", "json", "--out", str(out), *extra)  # fmt: skip
    return json.loads(out.read_text("utf-8")), err


def values_by_unit(document: dict) -> dict[str, dict[tuple[str, str], int]]:
    found: dict[str, dict[tuple[str, str], int]] = {}
    for v in document["dataValues"]:
        cell = (v["dataElement"], v["categoryOptionCombo"])
        found.setdefault(v["orgUnit"], {})[cell] = int(v["value"])
    return found


def assert_cell_by_cell(document: dict, reports: dict, units: dict[str, str]) -> int:
    """Every mapped cell of every unit equals the report's cell (boys + girls = the report's
    cell for a split count); returns how many cells were compared."""
    sent = values_by_unit(document)
    assert set(sent) == set(units.values())
    compared = 0
    for code, org_unit in units.items():
        by_cell: dict[str, int] = {}
        for entry in CELLS:
            value = sent[org_unit][(entry["data_element"], entry["category_option_combo"])]
            by_cell[entry["cell"]] = by_cell.get(entry["cell"], 0) + value
        for cell, value in by_cell.items():
            kind, column = cell.split(".", 1)
            assert value == int(reports[kind][code][column]), (code, cell)
            compared += 1
    return compared


def test_desa_export_equals_the_report_of_the_kecamatan_cell_by_cell(
    built, write_mapping, tmp_path
):
    write_mapping(DESA_LEVEL)
    document, err = export_json(tmp_path, "14.71.01")
    reports = {k: report(k, "14.71.01") for k in ("skdn", "gizi", "cakupan")}
    units = {"14.71.01.1001": "OU1471011001", "14.71.01.1002": "OU1471011002"}
    assert assert_cell_by_cell(document, reports, units) == 2 * (len(CELLS) - 1)
    assert document["dataSet"] == "DS_TEST" and document["period"] == "202504"
    assert "orgUnit" not in document  # two units: each value names its own
    # The figures of laporan's own tests (posyandu/laporan/tests/test_commands.py).
    jadirejo = values_by_unit(document)["OU1471011001"]
    assert jadirejo[("DE_S", "COC_L")] + jadirejo[("DE_S", "COC_P")] == 9
    assert [jadirejo[(f"DE_{c}", "default")] for c in ("K", "D", "N", "T", "O", "B", "2T")] == [
        7, 7, 2, 2, 1, 2, 1,
    ]  # fmt: skip
    assert jadirejo[("DE_STUNTING", "default")] == 2
    assert jadirejo[("DE_IDL_D", "default")] == int(reports["cakupan"]["14.71.01.1001"]["idl_d"])
    assert jadirejo[("DE_IDL_D", "default")] > 0
    # The report's total is the sum of what was sent: nothing left out.
    total = sum(u[("DE_D", "default")] for u in values_by_unit(document).values())
    assert total == int(reports["skdn"]["TOTAL"]["D"])
    assert "tanpa pemetaan" not in err


def test_one_desa_alone_carries_its_orgunit_on_top(built, write_mapping, tmp_path):
    write_mapping(DESA_LEVEL)
    document, _ = export_json(tmp_path, "14.71.01.1001")
    assert document["orgUnit"] == "OU1471011001"
    reports = {k: report(k, "14.71.01") for k in ("skdn", "gizi", "cakupan")}
    assert_cell_by_cell(document, reports, {"14.71.01.1001": "OU1471011001"})


def test_kota_export_walks_down_to_every_desa_with_a_posyandu(built, write_mapping, tmp_path):
    write_mapping(DESA_LEVEL)
    document, _ = export_json(tmp_path, "14.71")
    assert set(values_by_unit(document)) == {"OU1471011001", "OU1471011002", "OU1471021001"}
    reports = {k: report(k, "14.71.02") for k in ("skdn", "gizi", "cakupan")}
    assert_cell_by_cell(
        {"dataValues": [v for v in document["dataValues"] if v["orgUnit"] == "OU1471021001"]},
        reports,
        {"14.71.02.1001": "OU1471021001"},
    )


def test_posyandu_export_equals_the_desa_report_and_lists_posyandu_without_code(
    world, built, write_mapping, tmp_path
):
    world.posyandu_a.kode = "P3271001"
    world.posyandu_a.save()
    write_mapping({"level": "posyandu", "rule": "kode"})
    document, err = export_json(tmp_path, "14.71.01.1001")
    reports = {k: report(k, "14.71.01.1001") for k in ("skdn", "gizi", "cakupan")}
    assert_cell_by_cell(document, reports, {"P3271001": "P3271001"})
    a2 = world.posyandu_a2
    assert "Unit tanpa pemetaan DHIS2 (tidak dikirim): 1" in err
    assert f"PY{a2.id}\tPosyandu Mawar\t(posyandu)" in err
    event = AuditEvent.objects.get(model="dhis2.datavalueset")
    assert event.metadata["unmapped"] == [f"PY{a2.id}"]


def test_puskesmas_is_the_sum_of_its_posyandu(world, built, write_mapping, tmp_path):
    world.puskesmas_1.kode = "PKM-1"
    world.puskesmas_1.save()
    write_mapping({"level": "puskesmas", "rule": "kode"})
    document, _ = export_json(tmp_path, "14.71.01")
    sent = values_by_unit(document)
    assert set(sent) == {"PKM-1"}
    kecamatan = report("skdn", "14.71.01")["TOTAL"]
    assert sent["PKM-1"][("DE_D", "default")] == int(kecamatan["D"])


def test_units_without_mapping_are_listed_not_skipped(built, write_mapping, tmp_path):
    write_mapping({"level": "desa", "rule": "explicit",
                   "overrides": {"14.71.01.1001": "JADIREJO"}})  # fmt: skip
    document, err = export_json(tmp_path, "14.71.01")
    assert set(values_by_unit(document)) == {"JADIREJO"}
    assert "Unit tanpa pemetaan DHIS2 (tidak dikirim): 1" in err
    assert "14.71.01.1002\tKampung Tengah\t(desa)" in err


def test_within_limits_the_rule_to_the_deployment_area(built, write_mapping, tmp_path):
    write_mapping({**DESA_LEVEL, "within": ["14.71.02"]})
    document, err = export_json(tmp_path, "14.71")
    assert set(values_by_unit(document)) == {"OU1471021001"}
    assert "14.71.01.1001\tJadirejo" in err and "14.71.01.1002\tKampung Tengah" in err


def test_adx_is_well_formed_with_the_namespace_and_the_period(built, write_mapping, tmp_path):
    write_mapping(DESA_LEVEL, attribute_option_combo="AOC", adx_attributes={"FUND": "APBD"})
    as_json, _ = export_json(tmp_path, "14.71.01")
    out = tmp_path / "out.xml"
    run("dhis2", "export", "--wilayah", "14.71.01", "--period", "2025-04", "--format", "adx",
        "--out", str(out))  # fmt: skip
    root = ET.parse(out).getroot()  # noqa: S314  (our own output)
    assert root.tag == f"{ADX}adx" and root.get("exported")
    groups = root.findall(f"{ADX}group")
    assert [g.get("orgUnit") for g in groups] == ["OU1471011001", "OU1471011002"]
    assert {g.get("period") for g in groups} == {"2025-04-01/P1M"}
    assert {(g.get("dataSet"), g.get("FUND")) for g in groups} == {("DS_TEST", "APBD")}
    json_values = values_by_unit(as_json)
    for group in groups:
        org_unit = str(group.get("orgUnit"))
        values = group.findall(f"{ADX}dataValue")
        assert len(values) == len(CELLS)
        for v in values:
            coc = {None: "default", "L": "COC_L", "P": "COC_P"}[v.get("SEX")]
            cell = (str(v.get("dataElement")), coc)
            assert int(str(v.get("value"))) == json_values[org_unit][cell]
    assert as_json["attributeOptionCombo"] == "AOC"


def test_adx_needs_categories_for_a_disaggregated_cell(built, write_mapping, tmp_path):
    cells = [{"cell": "skdn.S", "jk": "L", "data_element": "DE_S",
              "category_option_combo": "COC_L"}]  # fmt: skip
    write_mapping(DESA_LEVEL, data_values=cells)
    with pytest.raises(CommandError, match="ADX perlu kategori"):
        run("dhis2", "export", "--wilayah", "14.71.01", "--period", "2025-04", "--format", "adx",
            "--out", str(tmp_path / "x.xml"))  # fmt: skip


def test_export_is_restricted_like_the_reports_and_audited(world, built, write_mapping, tmp_path):
    write_mapping(DESA_LEVEL)
    with pytest.raises(CommandError, match="di luar wilayah"):
        export_json(tmp_path, "14.71.02", "--user", "pokjanal_kec")
    export_json(tmp_path, "14.71.01", "--user", "pokjanal_kec")
    event = AuditEvent.objects.get(model="dhis2.datavalueset")
    assert (event.action, event.actor, event.wilayah_kode) == ("export", world.pokjanal_kec,
                                                               "14.71.01")  # fmt: skip
    assert event.metadata["period"] == "2025-04" and event.metadata["units"] == 2


def test_a_region_below_the_mapping_level_is_refused(built, write_mapping, tmp_path):
    write_mapping({"level": "kecamatan", "rule": "kemendagri"})
    with pytest.raises(CommandError, match="di bawah tingkat unit"):
        export_json(tmp_path, "14.71.01.1001")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cell": "cakupan.idl_pct"}, "persentase tidak dikirim"),
        ({"cell": "skdn.X"}, "bukan kolom laporan"),
        ({"cell": "cakupan.idl_n", "jk": "L"}, "hanya untuk skdn/gizi"),
    ],
)
def test_mapping_refuses_rates_and_unknown_cells(write_mapping, change, message):
    entry = {"data_element": "DE", "category_option_combo": "default", **change}
    path = write_mapping(DESA_LEVEL, data_values=[entry])
    with pytest.raises(MappingError, match=message):
        load_mapping(path)


def test_the_shipped_example_mapping_loads_and_says_it_is_an_example():
    mapping = load_mapping()
    assert mapping.example and mapping.rule.status == "unverified"
    assert mapping.org_units.level == "desa"
    sent = {(c.kind, c.column) for c in mapping.cells}
    for kind in ("skdn", "gizi"):
        assert {(kind, c) for c in report_columns(kind)} <= sent
    counts = {c for c in report_columns("cakupan") if c.endswith(("_n", "_d"))}
    assert {("cakupan", c) for c in counts} <= sent
