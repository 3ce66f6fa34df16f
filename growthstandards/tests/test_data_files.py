"""The packaged data: WHO tables intact, reference-case copies identical to ../shared."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from growthstandards.tables import TABLE_SPECS, load_table

from .conftest import CASE_FILES, PACKAGED_CASES, SHARED_CASES


def test_who_tables_match_their_checksums() -> None:
    folder = resources.files("growthstandards.data.who")
    lines = folder.joinpath("SHA256SUMS").read_text().split("\n")
    # "digest  name" lines -> {name: digest}
    sums = {name: digest for digest, name in (line.split() for line in lines if line.strip())}
    assert set(sums) == {spec[0] for spec in TABLE_SPECS.values()}
    for name, digest in sums.items():
        assert hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() == digest
    assert "World Health Organization" in folder.joinpath("SOURCE.md").read_text()


def test_tables_fill_their_ranges() -> None:
    assert load_table("wfa").lms_at(1, 0) == (0.3487, 3.3464, 0.14602)
    assert load_table("wfh").lms_at(1, 651)[1] == 7.4563
    assert load_table("acfa").lms_at(1, 90) != load_table("acfa").lms_at(1, 90)  # NaN
    assert load_table("lhfa").l_is_one and load_table("hcfa").l_is_one


@pytest.mark.skipif(not SHARED_CASES.is_dir(), reason="../shared not checked out")
@pytest.mark.parametrize("name", CASE_FILES)
def test_reference_copies_equal_shared(name: str) -> None:
    assert (PACKAGED_CASES / name).read_bytes() == (SHARED_CASES / name).read_bytes()
