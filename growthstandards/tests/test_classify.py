"""Permenkes 2/2020 categories at and around every cut-off (hand-worked)."""

from __future__ import annotations

import numpy as np
import pytest

from growthstandards import Category, categories, classification_table, classify, classify_array

CASES = [
    ("bb_u", -3.01, "bb_sangat_kurang"),
    ("bb_u", -3.0, "bb_kurang"),
    ("bb_u", -2.01, "bb_kurang"),
    ("bb_u", -2.0, "bb_normal"),
    ("bb_u", 0.0, "bb_normal"),
    ("bb_u", 1.0, "bb_normal"),
    ("bb_u", 1.01, "risiko_bb_lebih"),
    ("pb_tb_u", -3.01, "sangat_pendek"),
    ("pb_tb_u", -3.0, "pendek"),
    ("pb_tb_u", -2.01, "pendek"),
    ("pb_tb_u", -2.0, "normal"),
    ("pb_tb_u", 3.0, "normal"),
    ("pb_tb_u", 3.01, "tinggi"),
    ("bb_pb_tb", -3.01, "gizi_buruk"),
    ("bb_pb_tb", -3.0, "gizi_kurang"),
    ("bb_pb_tb", -2.01, "gizi_kurang"),
    ("bb_pb_tb", -2.0, "gizi_baik"),
    ("bb_pb_tb", 1.0, "gizi_baik"),
    ("bb_pb_tb", 1.01, "berisiko_gizi_lebih"),
    ("bb_pb_tb", 2.0, "berisiko_gizi_lebih"),
    ("bb_pb_tb", 2.01, "gizi_lebih"),
    ("bb_pb_tb", 3.0, "gizi_lebih"),
    ("bb_pb_tb", 3.01, "obesitas"),
    ("imt_u_0_5", -3.0, "gizi_kurang"),
    ("imt_u_0_5", 1.01, "berisiko_gizi_lebih"),
    ("imt_u_0_5", 3.01, "obesitas"),
    ("imt_u_5_18", -3.01, "gizi_buruk"),
    ("imt_u_5_18", -3.0, "gizi_kurang"),
    ("imt_u_5_18", -2.0, "gizi_baik"),
    ("imt_u_5_18", 1.0, "gizi_baik"),
    ("imt_u_5_18", 1.01, "gizi_lebih"),
    ("imt_u_5_18", 2.0, "gizi_lebih"),
    ("imt_u_5_18", 2.01, "obesitas"),
    ("lk_u", -2.01, "mikrosefali"),
    ("lk_u", -2.0, "normal"),
    ("lk_u", 2.0, "normal"),
    ("lk_u", 2.01, "makrosefali"),
]


def category(index: str, z: float) -> Category:
    """The category of a z-score that has one (not NA)."""
    cat = classify(index, z)
    assert cat is not None
    return cat


@pytest.mark.parametrize(("index", "z", "code"), CASES)
def test_single_value(index: str, z: float, code: str) -> None:
    assert category(index, z).code == code


@pytest.mark.parametrize("index", sorted({c[0] for c in CASES}))
def test_array_matches_single_and_handles_na(index: str) -> None:
    z = np.round(np.arange(-7, 7.001, 0.01), 2)
    positions = classify_array(index, np.append(z, np.nan))
    cats = categories(index)
    assert positions[-1] == -1 and classify(index, float("nan")) is None
    assert [cats[p].code for p in positions[:-1]] == [category(index, v).code for v in z]


def test_labels_and_provenance() -> None:
    data = classification_table()
    assert data["version"] and "Permenkes" in data["source"]["number"]
    assert category("bb_pb_tb", -3.5).label_id == "Gizi buruk"
    assert category("bb_pb_tb", -3.5).label_en == "Severely wasted"
    assert category("bb_u", 1.5).label_id == "Risiko berat badan lebih"
    for index in data["indices"]:
        for cat in categories(index):
            assert cat.label_id and cat.label_en


def test_unknown_index() -> None:
    with pytest.raises(ValueError, match="unknown index"):
        classify("bb_x", 0.0)
