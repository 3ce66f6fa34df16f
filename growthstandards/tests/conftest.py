"""Shared helpers: where the WHO reference cases are and how to read them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# The copy in tests/data keeps the suite self-contained; ../shared is the original.
PACKAGED_CASES = HERE / "data"
SHARED_CASES = (
    Path(__file__).resolve().parents[2].parent / "shared" / "who-growth" / "reference-cases"
)
CASE_FILES = (
    "anthro_input.csv",
    "anthro_expected.csv",
    "anthroplus_input.csv",
    "anthroplus_expected.csv",
)


def reference_dir() -> Path:
    for d in (PACKAGED_CASES, SHARED_CASES):
        if all((d / f).is_file() for f in CASE_FILES):
            return d
    pytest.fail("WHO reference cases not found in tests/data nor ../shared/who-growth")


def read_rows(name: str) -> list[dict[str, str]]:
    with open(reference_dir() / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> float | None:
    """CSV text to float; '' (R's NA) to None."""
    return None if text == "" else float(text)
