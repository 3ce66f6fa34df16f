"""The Arrow file job writes the same bytes as the Python writer (``batch.run_csv``)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from growthstandards import batch, fastbatch, fasttext

from .conftest import reference_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


def _old_bytes(src: Path) -> bytes:
    out = io.StringIO()
    with open(src, newline="", encoding="utf-8-sig") as fh:
        batch.run_csv(fh, out)
    return out.getvalue().encode()


@pytest.mark.parametrize("workers", [1, 2])
def test_same_bytes_as_python_writer_on_who_cases(tmp_path: Path, workers: int) -> None:
    src = reference_dir() / "anthro_input.csv"
    dst = tmp_path / "out.csv"
    assert fastbatch.run(str(src), str(dst), workers=workers, chunk_rows=777) == 3019
    assert dst.read_bytes() == _old_bytes(src)


def test_cli_uses_fast_path_and_falls_back_on_ragged_csv(tmp_path: Path) -> None:
    src = tmp_path / "ragged.csv"
    # a short row and a blank line: Python's csv reader takes them, Arrow's does not
    src.write_text(
        "id,sex,age_days,weight,lenhei,measure\n1,1,400,10.5,80,l\n2,2,500\n\n3,f,,9\n",
        encoding="utf-8",
    )
    dst = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "growthstandards", "zscore", str(src), str(dst)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert dst.read_bytes() == _old_bytes(src)


def test_odd_numbers_and_quoted_ids(tmp_path: Path) -> None:
    src = tmp_path / "odd.csv"
    src.write_text(
        'id,sex,age_days,weight,lenhei,measure,oedema\n"a,1",M,400, 10.5 ,80,L,Y\n'
        '"b""2",f,1e3,abc,-1,h,n\n3,x,12.5,0,inf,,1\n',
        encoding="utf-8",
    )
    dst = tmp_path / "out.csv"
    fastbatch.run(str(src), str(dst))
    assert dst.read_bytes() == _old_bytes(src)


def test_parquet_in_and_out(tmp_path: Path) -> None:
    src = reference_dir() / "anthro_input.csv"
    as_parquet = tmp_path / "out.parquet"
    fastbatch.run(str(src), str(as_parquet))
    table = pq.read_table(as_parquet)
    assert table.num_rows == 3019
    assert table.column_names == list(batch.WHO2006_OUTPUT)
    # Parquet in (typed columns, as Arrow reads the CSV) -> the same CSV text as CSV in
    typed = tmp_path / "in.parquet"
    pq.write_table(pacsv.read_csv(src), typed)
    from_parquet = tmp_path / "from_parquet.csv"
    fastbatch.run(str(typed), str(from_parquet))
    assert from_parquet.read_bytes() == _old_bytes(src)


@pytest.mark.parametrize("significant", [15, 17])
def test_vectorised_g_format_equals_python(significant: int) -> None:
    rng = np.random.default_rng(3)
    special = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-5, 1e-4, 0.0001234, 9.9999999999999999]
    special += [99999.99999999999, 1e15, 1e16, 123456789012345.6, 0.5, 2.5e-3, 1 / 3, -0.1]
    special += [9999.9999999999999, 9999.5, 0.00099999999999999999, -1e-4, 10.0, 100.25]
    values = np.concatenate(
        [
            rng.normal(0, 1.5, 20_000),
            rng.uniform(40, 120, 5_000).round(1),
            np.array(special),
            10 ** rng.uniform(-6, 18, 5_000) * np.sign(rng.normal(size=5_000)),
            10 ** rng.uniform(-4.5, 4.5, 20_000) * np.sign(rng.normal(size=20_000)),
            np.rint(rng.uniform(-1e6, 1e6, 5_000)) / 10.0 ** rng.integers(0, 6, 5_000),
        ]
    )
    got = fasttext.words_to_strings(fasttext.float_words(values, significant))
    fmt = f"%.{significant}g"
    want = [
        ","
        + ("" if v != v else "Inf" if v == np.inf else "-Inf" if v == -np.inf else fmt % (v + 0.0))
        for v in values.tolist()
    ]
    assert got == want


def test_fields_and_line_joining() -> None:
    """Fields start with their separator, NUL bytes pad them anywhere, and ``join_lines``
    squeezes the canvas with ``bytearray.translate``."""
    z = np.array([-1.2345678901234567, np.nan, 0.1])
    ids = fasttext.text_words([b"a", b"bb", b"x,y"])
    flags = fasttext.lookup_words(np.array([1, -1, 0]), -1, [",", ",0", ",1"])
    rounded = fasttext.hundredths_words(np.array([-1.5, np.nan, np.inf]), batch._hundredths_text)
    assert fasttext.words_to_strings(rounded) == [",-1.5", ",", ",Inf"]
    got = fasttext.join_lines([ids, (z, 17), flags, rounded])
    assert got == b"a,-1.2345678901234567,1,-1.5\nbb,,,\nx,y,0.10000000000000001,0,Inf\n"
    plain = fasttext.join_lines([fasttext.text_words([b"1", b"22", b"333"]), (z, 15)])
    assert plain == b"1,-1.23456789012346\n22,\n333,0.1\n"


def test_id_with_nul_byte_and_no_id_column(tmp_path: Path) -> None:
    src = tmp_path / "nul.csv"
    src.write_bytes(b'id,sex,age_days,weight\na\x00b,1,400,10.5\n"c""d",2,500,9\n')
    dst = tmp_path / "out.csv"
    fastbatch.run(str(src), str(dst))
    assert dst.read_bytes() == _old_bytes(src)
    src.write_bytes(b"sex,age_days,weight\n1,400,10.5\n2,500,9\n")
    fastbatch.run(str(src), str(dst), chunk_rows=1)
    assert dst.read_bytes() == _old_bytes(src)
