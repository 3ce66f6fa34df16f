"""Every rule file of the repository loads through the one loader (posyandu/core/rules.py)
and carries the common header: id, version, a citable source, valid_from."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from posyandu.core.rules import Document, load_rule

ROOT = Path(__file__).resolve().parents[1]
RULE_GLOBS = (
    "posyandu/*/rules/*.json",
    "posyandu/skrining/definitions/*.json",
    "growthstandards/data/*.json",
)
RULE_FILES = sorted({p for pattern in RULE_GLOBS for p in ROOT.glob(pattern)})


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_rule_folders_hold_every_json_file_of_the_code():
    every = {
        p
        for top in ("posyandu", "growthstandards", "config")
        for p in ROOT.glob(f"{top}/**/*.json")
    }
    assert every == set(RULE_FILES)
    assert len(RULE_FILES) >= 39  # 38 files of issue 10 and sesi/rules/ambang_batas.json


@pytest.mark.parametrize("path", RULE_FILES, ids=_name)
def test_header(path):
    rule = load_rule(path.parent, path.stem)
    assert rule.id and rule.version and isinstance(rule.valid_from, date)
    assert rule.status in ("verified", "unverified")
    assert rule.sources and all(isinstance(d, Document) for d in rule.sources)
    for doc in rule.sources:
        assert doc.title and doc.issuer and 1900 < doc.year < 2100
    if rule.variants:
        assert rule.default_variant is not None
        default = rule.variants[rule.default_variant]
        assert default.get("status", rule.status) == "verified"


def test_no_two_files_share_an_id():
    ids: dict[str, str] = {}
    for path in RULE_FILES:
        rule_id = load_rule(path.parent, path.stem).id
        assert rule_id not in ids, f"{_name(path)} and {ids[rule_id]} share the id {rule_id}"
        ids[rule_id] = _name(path)


@pytest.mark.parametrize("path", RULE_FILES, ids=_name)
def test_no_issue_numbers_or_outside_notes_as_sources(path):
    text = path.read_text("utf-8")
    assert not re.search(r"\bissue\s*#?\s*\d", text, re.IGNORECASE)
    assert "domain-ilp" not in text


def test_unverified_readings_are_marked_and_never_the_default():
    kbm = load_rule(ROOT / "growthstandards" / "data", "kbm")
    status = {name: v.get("status", kbm.status) for name, v in kbm.variants.items()}
    assert status == {
        "buku_kia_2023": "verified",
        "kms_2008_2010": "unverified",
        "kkn_posyandu_tulip": "unverified",
    }
    assert kbm.default_variant == "buku_kia_2023"
    anc = load_rule("kia", "anc")
    assert anc.default_variant == "kmk-2015-2023"
    assert anc.variants["buku-kia-2020"]["status"] == "unverified"
    assert load_rule("imunisasi", "td_wus").status == "unverified"


def test_growth_engine_reads_the_same_default_as_the_loader():
    from growthstandards import DEFAULT_KBM_VERSION, KBM_VERSIONS
    from growthstandards.classify import classification_table

    kbm = load_rule(ROOT / "growthstandards" / "data", "kbm")
    assert kbm.default_variant == DEFAULT_KBM_VERSION
    assert set(KBM_VERSIONS) == set(kbm.variants)
    assert classification_table()["id"] == "permenkes-2-2020"


BP_FILES = (
    "posyandu/skrining/definitions/td_dewasa.json",
    "posyandu/skrining/definitions/td_remaja.json",
    "posyandu/kia/rules/risiko.json",
    "posyandu/tugas/rules/tugas.json",
)


def _conditions(node, var):
    if isinstance(node, dict):
        if node.get("var") == var:
            yield node
        for value in node.values():
            yield from _conditions(value, var)
    elif isinstance(node, list):
        for value in node:
            yield from _conditions(value, var)


def test_hypertension_cut_off_is_written_once_and_referenced():
    cut_off = load_rule("sesi", "ambang_batas").data["hipertensi"]
    assert (cut_off["sistole_mmhg"], cut_off["diastole_mmhg"]) == (140, 90)
    for name in BP_FILES:
        text = (ROOT / name).read_text("utf-8")
        assert "sesi/ambang_batas#hipertensi.sistole_mmhg" in text, name
        raw = json.loads(text)
        literal = [c for c in _conditions(raw, "sistole") if c["value"] == 140]
        assert literal == [], name
    dewasa = load_rule(ROOT / "posyandu/skrining/definitions", "td_dewasa")
    ht_1 = next(c for c in dewasa.data["categories"] if c["code"] == "ht_1")
    assert [c["value"] for c in ht_1["when"]["any"]] == [140, 90]
    assert dewasa.stamp == "td_dewasa@kmk-2015-2023+ambang-batas@2023.1"
    tugas = load_rule("tugas", "tugas").data["rules"]
    params = next(r for r in tugas if r["code"] == "hipertensi_belum_dirujuk")["condition"]
    assert (params["params"]["systolic"], params["params"]["diastolic"]) == (140, 90)


def test_kek_is_one_rule_lila_below_23_5():
    kek = [r for r in load_rule("kia", "risiko").data["rules"] if r["code"] == "kek"]
    assert [(r["var"], r["op"], r["value"]) for r in kek] == [("lila_cm", "<", 23.5)]
    for path in RULE_FILES:
        assert "kek_lila_below_cm" not in path.read_text("utf-8"), _name(path)
