"""The rule-file loader: the header schema, variants, references and the stamp results store."""

import json

import pytest

from posyandu.core import rules
from posyandu.core.rules import RuleFileError, citation, load_rule

KMK = {
    "title": "Petunjuk Teknis Integrasi Pelayanan Kesehatan Primer",
    "issuer": "Kementerian Kesehatan RI",
    "number": "KMK HK.01.07/MENKES/2015/2023",
    "year": 2023,
}


def write(folder, name, **data):
    body = {"id": name, "version": "1", "valid_from": "2024-01-01", "source": KMK, **data}
    body = {k: v for k, v in body.items() if v is not None}
    (folder / f"{name}.json").write_text(json.dumps(body), "utf-8")
    return folder


def test_header_is_read_once_and_cited(tmp_path):
    write(tmp_path, "contoh", source=[{**KMK, "section": "tabel 1"}, {**KMK, "number": ""}])
    rule = load_rule(tmp_path, "contoh")
    assert load_rule(tmp_path, "contoh") is rule
    assert (rule.id, rule.version, rule.valid_from.isoformat()) == ("contoh", "1", "2024-01-01")
    assert rule.status == "verified" and rule.stamp == "contoh@1"
    assert rule.citation() == (
        "KMK HK.01.07/MENKES/2015/2023, Petunjuk Teknis Integrasi Pelayanan Kesehatan Primer "
        "(Kementerian Kesehatan RI, 2023), tabel 1; Petunjuk Teknis Integrasi Pelayanan "
        "Kesehatan Primer (Kementerian Kesehatan RI, 2023)"
    )
    assert citation("free text of a nested rule") == "free text of a nested rule"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": None}, "missing 'version'"),
        ({"valid_from": "1 Januari 2024"}, "not an ISO date"),
        ({"id": "Bad Id"}, "id 'Bad Id'"),
        ({"source": "KMK 2015/2023"}, "not 'KMK 2015/2023'"),
        ({"source": {**KMK, "section": "Issue 7 item 4"}}, "cites an issue or a file"),
        ({"source": {**KMK, "note": "see docs/domain-ilp.md"}}, "cites an issue or a file"),
        ({"source": {"title": "Buku KIA", "issuer": "Kemenkes"}}, "year None is not a year"),
        ({"source": {**KMK, "page": 3}}, "unknown source keys"),
        ({"status": "draft"}, "status 'draft'"),
        ({"status": "unverified", "default": True}, "unverified rule cannot be the default"),
    ],
)
def test_header_errors(tmp_path, changes, message):
    write(tmp_path, "contoh", **changes)
    with pytest.raises(RuleFileError, match=message):
        load_rule(tmp_path, "contoh")


def test_variants_never_default_to_an_unverified_reading(tmp_path):
    variants = {"baru": {"n": 1}, "lama": {"status": "unverified", "note": "recalled", "n": 2}}
    write(tmp_path, "ok", variants=variants, default_variant="baru")
    rule = load_rule(tmp_path, "ok")
    assert rule.variant() == {"n": 1} and rule.variant("lama")["n"] == 2
    with pytest.raises(KeyError):
        rule.variant("tidak_ada")
    write(tmp_path, "bad", variants=variants, default_variant="lama")
    with pytest.raises(RuleFileError, match="unverified and cannot be the default"):
        load_rule(tmp_path, "bad")
    write(tmp_path, "none", variants=variants)
    with pytest.raises(RuleFileError, match="default_variant None"):
        load_rule(tmp_path, "none")


def test_a_reference_takes_the_value_and_joins_the_stamp(tmp_path, monkeypatch):
    monkeypatch.setattr(rules, "POSYANDU_DIR", tmp_path)
    for app in ("core", "kia"):
        (tmp_path / app / "rules").mkdir(parents=True)
    write(tmp_path / "core" / "rules", "bersama", batas={"sistole": 140})
    write(tmp_path / "kia" / "rules", "pakai", nilai={"$ref": "core/bersama#batas.sistole"})
    rule = load_rule("kia", "pakai")
    assert rule.data["nilai"] == 140
    assert rule.stamp == "pakai@1+bersama@1"


def test_reference_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(rules, "POSYANDU_DIR", tmp_path)
    folder = tmp_path / "kia" / "rules"
    folder.mkdir(parents=True)
    write(folder, "a", x={"$ref": "kia/b#y"})
    write(folder, "b", y={"$ref": "kia/a#x"})
    with pytest.raises(RuleFileError, match="cycle"):
        load_rule("kia", "a")
    write(folder, "c", x={"$ref": "kia/d#tidak.ada"})
    write(folder, "d", tidak={})
    with pytest.raises(RuleFileError, match="no key 'ada'"):
        load_rule("kia", "c")
    write(folder, "e", x={"$ref": "../etc#x"})
    with pytest.raises(RuleFileError, match="is not '<app>/<name>#<key>'"):
        load_rule("kia", "e")
