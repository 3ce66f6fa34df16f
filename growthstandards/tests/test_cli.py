"""The batch command end to end, on the WHO reference inputs."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import number, read_rows, reference_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, input_name: str, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "growthstandards", "zscore", *extra]
    cmd += [str(reference_dir() / input_name), str(out)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "rows" in proc.stderr  # progress goes to stderr
    with open(out, newline="") as fh:
        return list(csv.DictReader(fh))


def _header(name: str) -> list[str]:
    with open(reference_dir() / name, newline="") as fh:
        return next(csv.reader(fh))


def _compare(
    got_rows: list[dict[str, str]],
    expected_rows: list[dict[str, str]],
    input_rows: list[dict[str, str]],
    skip_cases: tuple[str, ...] = (),
) -> int:
    assert len(got_rows) == len(expected_rows)
    checked = 0
    for got, exp, inp in zip(got_rows, expected_rows, input_rows, strict=True):
        assert got["id"] == exp["id"]
        if inp["case"].startswith(skip_cases):
            continue
        for col, want in exp.items():
            have = got[col]
            if col.endswith("_unrounded") or col == "cbmi":
                assert (want == "") == (have == ""), (exp["id"], col)
                if want:
                    assert abs(float(want) - float(have)) < 1e-9, (exp["id"], col, want, have)
            elif col == "clenhei":
                assert number(want) == number(have), (exp["id"], col)
            else:
                # rounded z, flags, codes: the same text as the WHO package writes
                assert have == want, (exp["id"], col, want, have)
            checked += 1
    return checked


def test_zscore_who2006(tmp_path: Path) -> None:
    got = _run(tmp_path, "anthro_input.csv")
    with open(tmp_path / "out.csv", newline="") as fh:
        assert next(csv.reader(fh)) == _header("anthro_expected.csv")
    expected = read_rows("anthro_expected.csv")
    checked = _compare(got, expected, read_rows("anthro_input.csv"), skip_cases=("zero_",))
    assert checked == (3019 - 12) * 30  # every column of every regular row
    zero_weight = next(r for r in got if r["id"] == "20045")
    assert zero_weight["zwfl"] == zero_weight["fwfl"] == zero_weight["cbmi"] == ""


def test_zscore_who2007(tmp_path: Path) -> None:
    got = _run(tmp_path, "anthroplus_input.csv", "--reference", "who2007")
    with open(tmp_path / "out.csv", newline="") as fh:
        assert next(csv.reader(fh)) == _header("anthroplus_expected.csv")
    _compare(got, read_rows("anthroplus_expected.csv"), read_rows("anthroplus_input.csv"))


def test_extra_and_reordered_columns_and_blank_fields(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('note,oedema,weight_kg,sex,age_days,id\nx,n,14.9,1,1437,a1\n"y, z",,,2,,"a,2"\n')
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "growthstandards", "zscore", str(src), str(out)]
    subprocess.run(cmd, cwd=REPO_ROOT, check=True, capture_output=True)
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["id"] == "a1" and rows[0]["zwei"] == "-0.67" and rows[0]["zlen"] == ""
    assert rows[1]["id"] == "a,2" and rows[1]["csex"] == "2" and rows[1]["zwei"] == ""


def test_missing_sex_column_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,age_days\n1,10\n")
    cmd = [sys.executable, "-m", "growthstandards", "zscore", str(src), str(tmp_path / "o.csv")]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "sex" in proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "error: [Errno 2] No such file or directory"),
        ("", "error: input is empty (no header)"),
        ("id,age_days\n1,10\n", "error: input has no 'sex' column (header: ['id', 'age_days'])"),
    ],
)
def test_input_mistakes_give_one_clear_line_without_traceback(
    tmp_path: Path, content: str | None, message: str
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "o.csv"
    if content is not None:
        src.write_text(content)
    cmd = [sys.executable, "-m", "growthstandards", "zscore", str(src), str(out)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(message)
    assert not out.exists()  # no empty file that could pass for a result


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_chunking_does_not_change_results(chunk: int) -> None:
    import io

    from growthstandards import batch

    text = (reference_dir() / "anthro_input.csv").read_text()
    whole, parts = io.StringIO(), io.StringIO()
    batch.run_csv(io.StringIO(text), whole)
    batch.run_csv(io.StringIO(text), parts, chunk_rows=chunk)
    assert whole.getvalue() == parts.getvalue()
