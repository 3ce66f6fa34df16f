"""The data the device growth engine downloads (/hari/mesin/tabel.json, /hari/mesin/aturan.json):
well-formed, public, cacheable by version, exactly the doubles the Python engine uses, and a
new version whenever a table or a rule changes."""

import gzip
import json
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from growthstandards import tables
from posyandu.sesi import engine_data, plausibility


def _decode(col: Any, n: int) -> list[float]:
    """What engine.js decodeColumn does: a constant, a plain list, or running sums / 10^k."""
    if isinstance(col, int | float):
        return [float(col)] * n
    if isinstance(col, list):
        return [np.nan if v is None else float(v) for v in col]
    scale, acc, out = 10 ** col["k"], 0, []
    for d in col["d"]:
        acc += d
        out.append(acc / scale)
    return out


@pytest.fixture
def served_tables(client: Any) -> dict[str, Any]:
    response = client.get(reverse("sesi:engine_tables") + "?semua=1")
    assert response.status_code == 200
    doc: dict[str, Any] = json.loads(response.content)
    return doc


@pytest.mark.django_db
def test_tables_decode_to_the_python_engines_doubles(served_tables: dict[str, Any]) -> None:
    seen = []
    for ref in ("who2006", "who2007"):
        for name, spec in served_tables[ref]["tables"].items():
            t = tables.load_table(name)
            for sex in (1, 2):
                for col in ("l", "m", "s"):
                    raw = spec[col] if isinstance(spec[col], int) else spec[col][sex - 1]
                    got = _decode(raw, spec["n"])
                    start = (sex - 1) * t.n_keys + spec["first"] - t.key_first
                    want = getattr(t, col)[start : start + spec["n"]].tolist()
                    assert got == want, (name, sex, col)  # bit for bit, not approximately
            # nothing left out: the keys outside the served range hold no value
            present = np.flatnonzero(~np.isnan(t.m[:-1]))
            keys = {int(i % t.n_keys) + t.key_first for i in present}
            assert min(keys) == spec["first"] and max(keys) == spec["first"] + spec["n"] - 1
            assert spec["restricted"] is not t.l_is_one
            seen.append(name)
    assert sorted(seen) == sorted(
        [*tables.WHO2006_AGE_TABLES, "wfl", "wfh", *tables.WHO2007_TABLES]
    )


@pytest.mark.django_db
def test_served_without_sign_in_gzipped_with_version_as_etag(client: Any) -> None:
    for name in ("sesi:engine_tables", "sesi:engine_rules"):
        url = reverse(name)
        plain = client.get(url)
        assert plain.status_code == 200 and plain["Content-Type"] == "application/json"
        doc = json.loads(plain.content)
        assert doc["format"] == 1 and len(doc["version"]) == 16
        assert plain["ETag"] == f'"{doc["version"]}"'
        assert "max-age" in plain["Cache-Control"]
        zipped = client.get(url, headers={"accept-encoding": "gzip, br"})
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        again = client.get(url, headers={"if-none-match": plain["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_rules_carry_what_the_result_needs(client: Any) -> None:
    doc = json.loads(client.get(reverse("sesi:engine_rules")).content)
    assert doc["mesin_versi"] == "gs 1.0.0; posyandu-plausibility@1"
    assert doc["kbm"]["grams"][0] == doc["kbm"]["grams"][1] == 800
    assert len(doc["kbm"]["grams"]) == 61
    labels = doc["rujukan"]["labels"]
    assert labels["2T"]["id"] == "Berat badan tidak naik dua kali berturut-turut (2T)"
    assert doc["months_label"]["id"] == {"months": "{n} bulan", "years": "{n} tahun"}
    assert "gizi_buruk" in doc["rujukan"]["ke_puskesmas"]
    assert set(doc["permenkes"]["indices"]) >= {"bb_u", "pb_tb_u", "bb_pb_tb", "lk_u"}


def test_version_changes_when_a_table_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = engine_data._version(engine_data.tables_body())
    read = tables._read_rows

    def one_value_changed(filename: str) -> list[dict[str, str]]:
        rows = read(filename)
        if filename == "who2006_weight_for_age.csv":
            rows[10] = {**rows[10], "m": str(float(rows[10]["m"]) + 0.0001)}
        return rows

    tables.load_table.cache_clear()
    monkeypatch.setattr(tables, "_read_rows", one_value_changed)
    try:
        after = engine_data._version(engine_data.tables_body())
    finally:
        monkeypatch.undo()
        tables.load_table.cache_clear()
        tables.weight_for_lenhei_table.cache_clear()
    assert after != before
    assert engine_data._version(engine_data.tables_body()) == before


def test_version_changes_when_a_rule_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = engine_data._version(engine_data.rules_body())
    data = json.loads(json.dumps(plausibility.rules()))
    data["window_days"] = 63
    monkeypatch.setattr(plausibility, "rules", lambda: data)
    assert engine_data._version(engine_data.rules_body()) != before


def test_manifest_for_the_offline_package() -> None:
    manifest = engine_data.engine_manifest()
    assert manifest["tables_url"] == "/hari/mesin/tabel.json"
    assert manifest["rules_url"] == "/hari/mesin/aturan.json"
    assert manifest["script_url"].endswith("sesi/engine/engine.js")
    assert manifest["version"] == f"{manifest['tables_version']}.{manifest['rules_version']}"
