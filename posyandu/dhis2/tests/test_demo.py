"""The shipped example mapping on the demo data (`seed_demo --small`): the export of Kota
Pekanbaru and Kabupaten Seluma equals `report` cell by cell."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from posyandu.core.periods import current_month, period_of
from posyandu.dhis2.mapping import load_mapping
from posyandu.fasilitas.models import Posyandu
from posyandu.wilayah.importer import import_wilayah


@pytest.fixture
def demo(db, tmp_path):
    lines = settings.WILAYAH_CSV.read_text(encoding="utf-8").splitlines()
    keep = [ln for ln in lines[1:] if ln.split(",")[0] in ("14", "17")
            or ln.startswith(("14.71", "17.05"))]  # fmt: skip
    path = tmp_path / "demo.csv"
    path.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
    import_wilayah(path)
    with override_settings(DEMO_MODE=True):
        call_command("seed_demo", "--small", stdout=io.StringIO())


def report(kind: str, kode: str, period: str) -> dict[str, dict[str, str]]:
    out = io.StringIO()
    call_command("report", kind, "--wilayah", kode, "--period", period, stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    return {r["kode"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}


@pytest.mark.parametrize("kota", ["14.71", "17.05"])
def test_demo_export_equals_the_report_cell_by_cell(demo, tmp_path, kota):
    mapping = load_mapping()
    assert mapping.example
    period = period_of(current_month() - 1)  # the last complete month
    out = tmp_path / "demo.json"
    err = io.StringIO()
    call_command("dhis2", "export", "--wilayah", kota, "--period", period, "--format", "json",
                 "--out", str(out), stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert "CONTOH" in err.getvalue()
    document = json.loads(out.read_text("utf-8"))
    desa = sorted(set(Posyandu.objects.filter(desa__kode__startswith=kota + ".")
                      .values_list("desa_id", flat=True)))  # fmt: skip
    assert desa
    sent: dict[tuple[str, str, str], int] = {}
    for v in document["dataValues"]:
        key = (v["orgUnit"], v["dataElement"], v["categoryOptionCombo"])
        sent[key] = int(v["value"])
    nonzero = 0
    for kode in desa:
        org_unit = str(mapping.org_units.code_for(kode, region=kode))
        reports = {k: report(k, kode[:8], period)[kode] for k in ("skdn", "gizi", "cakupan")}
        by_cell: dict[str, int] = {}
        for c in mapping.cells:
            by_cell[c.cell] = (
                by_cell.get(c.cell, 0) + sent[(org_unit, c.data_element, c.category_option_combo)]
            )
        for cell, value in by_cell.items():
            kind, column = cell.split(".", 1)
            assert value == int(reports[kind][column]), (kode, cell)
            nonzero += value > 0
    assert nonzero > 20  # the demo has real figures: SKDN, nutrition, coverage
