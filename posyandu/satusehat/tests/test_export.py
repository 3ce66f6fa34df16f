"""`satusehat export` on the demo of Kota Pekanbaru: every bundle valid, observation counts
equal to what `export_measurements` gives for the same region and months, restricted like
the reports, audited. And the outbox page."""

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from posyandu.accounts.models import Role, User
from posyandu.audit.models import AuditEvent
from posyandu.satusehat.models import Kiriman
from posyandu.satusehat.validation import validate, validate_bundle
from posyandu.wilayah.importer import import_wilayah

pytestmark = pytest.mark.django_db
LOINC_LENGTH = {"8306-3", "8302-2"}


@pytest.fixture
def demo(db, tmp_path):
    lines = settings.WILAYAH_CSV.read_text(encoding="utf-8").splitlines()
    keep = [ln for ln in lines[1:] if ln.split(",")[0] in ("14", "17") or
            ln.startswith(("14.71", "17.05"))]  # fmt: skip
    path = tmp_path / "wilayah.csv"
    path.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
    import_wilayah(path)
    with override_settings(DEMO_MODE=True):
        call_command("seed_demo", "--small", stdout=io.StringIO())


def _export(out: Path, *extra: str) -> str:
    err = io.StringIO()
    call_command(
        "satusehat", "export", "--wilayah", "14.71", "--from", "2026-07", "--to", "2026-09",
        "--out", str(out), *extra, stderr=err,
    )  # fmt: skip
    return err.getvalue()


def test_demo_exports_valid_bundles_matching_export_measurements(demo, tmp_path):
    out = tmp_path / "bundles"
    message = _export(out)
    assert "0 tidak valid" in message and "bundle/detik" in message
    files = sorted(p for p in out.glob("*.json") if p.name not in {"organizations.json",
                                                                   "ringkasan.json"})  # fmt: skip
    assert len(files) > 20
    codes: Counter[str] = Counter()
    measured = {}
    kinds: Counter[str] = Counter()
    for f in files:
        bundle = json.loads(f.read_text("utf-8"))
        # independently of the export's own check: every bundle and every resource
        assert validate_bundle(bundle) == [], f.name
        for e in bundle["entry"]:
            r = e["resource"]
            assert validate(r) == [], (f.name, r["resourceType"])
            kinds[r["resourceType"]] += 1
            if r["resourceType"] == "Observation":
                codes[r["code"]["coding"][0]["code"]] += 1
        encounter = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] ==
                     "Encounter"]  # fmt: skip
        if encounter:
            person = encounter[0]["identifier"][0]["value"].split(".")[0]
            day = encounter[0]["period"]["start"][:10]
            for e in bundle["entry"]:
                r = e["resource"]
                if r["resourceType"] == "Observation":
                    code = r["code"]["coding"][0]["code"]
                    measured[(person, day, code)] = r.get("valueQuantity", {}).get("value")
    assert kinds["Encounter"] > 0 and kinds["Immunization"] > 0 and kinds["Patient"] > 0
    summary = json.loads((out / "ringkasan.json").read_text())
    assert summary["invalid"] == 0 and summary["bundles"] == len(files)
    assert summary["observations_by_code"] == dict(sorted(codes.items()))

    rows_csv = tmp_path / "m.csv"
    call_command(
        "export_measurements", "--wilayah", "14.71", "--from", "2026-07", "--to", "2026-09",
        "--out", str(rows_csv), stderr=io.StringIO(),
    )  # fmt: skip
    rows = list(csv.DictReader(rows_csv.open(encoding="utf-8")))
    assert len(rows) > 10
    weights = [r for r in rows if r["weight_kg"]]
    lengths = [r for r in rows if r["lenhei_cm"]]
    balita = summary["balita"]
    assert balita["rows"] == len(rows) and balita["rows_unmapped"] == 0
    assert balita["observations_by_code"]["29463-7"] == len(weights)
    assert sum(n for c, n in balita["observations_by_code"].items() if c in LOINC_LENGTH) == len(
        lengths
    )
    # ... and the same values, row by row: weight, and length or height by the position used
    for r in rows:
        if r["weight_kg"]:
            assert measured[(r["person_id"], r["measured_on"], "29463-7")] == float(r["weight_kg"])
        if r["lenhei_cm"]:
            code = "8306-3" if r["measure"] == "l" else "8302-2"
            assert measured[(r["person_id"], r["measured_on"], code)] == float(r["lenhei_cm"])
    organizations = json.loads((out / "organizations.json").read_text())
    types = Counter(e["resource"]["resourceType"] for e in organizations["entry"])
    assert types["Organization"] >= 3 and types["Location"] >= 1
    assert all(validate(e["resource"]) == [] for e in organizations["entry"])
    event = AuditEvent.objects.filter(action="export", model="satusehat.Bundle").get()
    assert event.wilayah_kode == "14.71" and event.metadata["bundles"] == len(files)


def test_export_is_restricted_like_the_reports(demo, tmp_path):
    pekanbaru = {"is_demo": True, "assignments__posyandu__desa__kode__startswith": "14.71."}
    kader = User.objects.filter(assignments__role=Role.KADER, **pekanbaru).first()
    assert kader is not None
    with pytest.raises(CommandError, match="tidak boleh melihat data perorangan di 14.71"):
        _export(tmp_path / "x", "--user", kader.username)
    # The Puskesmas exports the desa it serves, and gets only its people.
    staff = User.objects.filter(
        assignments__role=Role.PUSKESMAS, is_demo=True,
        assignments__puskesmas__kecamatan__kode__startswith="14.71.",
    ).first()  # fmt: skip
    assert staff is not None
    assignment = staff.assignments.select_related("puskesmas").get()
    assert assignment.puskesmas is not None
    desa = assignment.puskesmas.wilayah_kerja.order_by("kode")[0].kode
    out = tmp_path / "desa"
    err = io.StringIO()
    call_command(
        "satusehat", "export", "--wilayah", desa, "--from", "2026-07", "--to", "2026-09",
        "--out", str(out), "--user", staff.username, stderr=err,
    )  # fmt: skip
    villages = set()
    for f in out.glob("*-*.json"):
        for e in json.loads(f.read_text("utf-8"))["entry"]:
            if e["resource"]["resourceType"] == "Patient":
                codes = e["resource"]["address"][0]["extension"][0]["extension"]
                villages.add(next(c["valueCode"] for c in codes if c["url"] == "village"))
    assert villages == {desa.replace(".", "")}


@override_settings(DEMO_MODE=True)  # demo accounts sign in only in demo mode
def test_outbox_page_shows_reasons_and_retries(demo, client):
    pekanbaru = {"is_demo": True, "assignments__puskesmas__kecamatan__kode__startswith": "14.71."}
    staff = User.objects.filter(assignments__role=Role.PUSKESMAS, **pekanbaru).first()
    err = io.StringIO()
    call_command("satusehat", "queue", "--wilayah", "14.71", "--from", "2026-07", "--to",
                 "2026-09", stderr=err)  # fmt: skip
    assert "kiriman masuk antrean" in err.getvalue()
    item = Kiriman.objects.filter(sasaran__desa__kode__startswith="14.71.").first()
    assert item is not None
    Kiriman.objects.filter(pk=item.pk).update(
        status=Kiriman.Status.GAGAL, alasan="Ditolak SATUSEHAT (HTTP 400): NIK tidak valid"
    )
    client.force_login(staff)
    page = client.get(reverse("satusehat:list") + "?status=gagal")
    assert page.status_code == 200
    assert "Ditolak SATUSEHAT (HTTP 400): NIK tidak valid" in page.content.decode()
    response = client.post(reverse("satusehat:retry", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Kiriman.Status.MENUNGGU and item.alasan == ""
    kader = User.objects.filter(assignments__role=Role.KADER, is_demo=True).first()
    client.force_login(kader)
    assert client.get(reverse("satusehat:list")).status_code == 403
