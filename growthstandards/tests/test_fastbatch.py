"""The Arrow file job writes the same bytes as the Python writer (``batch.run_csv``)."""

from __future__ import annotations

import fcntl
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from growthstandards import batch, fastbatch, fasttext

from .conftest import reference_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _compiled_once(tmp_path_factory: pytest.TempPathFactory) -> None:
    """numba compiles the line writer on first use (~10 s) and caches it: with a fresh cache,
    one test worker compiles while the other waits for the cache instead of compiling too."""
    lock_path = tmp_path_factory.getbasetemp().parent / "growthstandards-fasttext.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            fasttext.warm_up()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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


@pytest.mark.parametrize("inputs_to_formatter", [False, True])
def test_reader_hands_inputs_or_zscores_and_long_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inputs_to_formatter: bool
) -> None:
    """Both ways a chunk travels from the reader process (its z-scores, or its inputs for
    the formatter to compute), and ids too long for a slot (sent through the pipe)."""
    monkeypatch.setattr(fastbatch, "_give_inputs", lambda formatting, spare: inputs_to_formatter)
    src = reference_dir() / "anthro_input.csv"
    dst = tmp_path / "out.csv"
    assert fastbatch.run(str(src), str(dst), workers=2, chunk_rows=500) == 3019
    assert dst.read_bytes() == _old_bytes(src)
    long_ids = tmp_path / "long_ids.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    long_ids.write_text(
        "\n".join(
            [lines[0]]
            + [f'"{"x" * 80},{i}"' + line[line.index(",") :] for i, line in enumerate(lines[1:])]
        )
        + "\n",
        encoding="utf-8",
    )
    assert fastbatch.run(str(long_ids), str(dst), workers=2, chunk_rows=500) == 3019
    assert dst.read_bytes() == _old_bytes(long_ids)


def test_a_write_error_stops_the_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing write (disk full) is raised, and the reader process is stopped (no hang)."""
    real_write = fastbatch._write_all
    calls = [0]

    def write(fd: int, data: object) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise OSError(28, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(fastbatch, "_write_all", write)
    with pytest.raises(OSError, match="No space left"):
        fastbatch.run(str(reference_dir() / "anthro_input.csv"), str(tmp_path / "out.csv"),
                      workers=2, chunk_rows=200)  # fmt: skip


def test_cli_uses_fast_path_and_falls_back_on_ragged_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "ragged.csv"
    # a short row and a blank line: Python's csv reader takes them, Arrow's does not
    src.write_text(
        "id,sex,age_days,weight,lenhei,measure\n1,1,400,10.5,80,l\n2,2,500\n\n3,f,,9\n",
        encoding="utf-8",
    )
    dst = tmp_path / "out.csv"
    with pytest.raises(fastbatch.FallBack):
        fastbatch.run(str(src), str(dst))
    monkeypatch.setattr(fastbatch, "SMALL_CSV_BYTES", 0)  # the fast path, then batch
    fastbatch.run_files(str(src), str(dst))
    assert dst.read_bytes() == _old_bytes(src)
    # the command (a file this small goes straight to batch)
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


def _python_text(values: np.ndarray, significant: int) -> list[str]:
    """``batch.format_values`` as the reference: "%.{p}g" of v + 0.0, R's Inf, "" for NaN."""
    return batch.format_values(np.asarray(values, dtype=np.float64), significant)


# Values where a formatter's shortcuts break: powers of ten and their neighbours, rounding
# ties, the ends of the fixed-notation range, subnormals, the largest double, -0.0.
EDGE_VALUES = [0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 2.2250738585072014e-308]
EDGE_VALUES += [1.7976931348623157e308, 1e-5, 1e-4, 0.0001234, 9.9999999999999999, 1e15]
EDGE_VALUES += [99999.99999999999, 1e16, 1e17, 123456789012345.6, 0.5, 2.5e-3, 1 / 3, -0.1]
EDGE_VALUES += [9999.9999999999999, 9999.5, 0.00099999999999999999, -1e-4, 10.0, 100.25]
EDGE_VALUES += [999999.99999999988, 999999.9999999999, 0.000099999999999999991, 2.0**53]
EDGE_VALUES += [2.0**60, 1e22, 1e23, 8.5, 0.125, 1.0000000000000002, 0.9999999999999999]
EDGE_VALUES += [np.nextafter(10.0**e, s) for e in range(-7, 19) for s in (0.0, np.inf)]


@pytest.mark.parametrize("significant", [15, 17])
def test_compiled_g_format_equals_python(significant: int) -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [
            rng.normal(0, 1.5, 20_000),
            rng.uniform(40, 120, 5_000).round(1),
            np.array(EDGE_VALUES),
            10 ** rng.uniform(-6, 18, 5_000) * np.sign(rng.normal(size=5_000)),
            10 ** rng.uniform(-4.5, 6.5, 20_000) * np.sign(rng.normal(size=20_000)),
            10 ** rng.uniform(-320, 308, 2_000),
            np.rint(rng.uniform(-1e6, 1e6, 5_000)) / 10.0 ** rng.integers(0, 6, 5_000),
            rng.integers(0, 2**63, 2_000, dtype=np.int64).view(np.float64),  # any bits
        ]
    )
    assert fasttext.float_texts(values, significant) == _python_text(values, significant)


def test_compiled_rounded_z_text_equals_python() -> None:
    rng = np.random.default_rng(4)
    values = np.concatenate(
        [
            np.round(rng.normal(0, 2, 20_000), 2),
            rng.uniform(-12, 12, 5_000),
            np.array([0.0, -0.0, -0.004, -0.005, 0.005, 9.994, 9.995, -9.995, 10.0, 1e300]),
            np.array([-1e300, 1e17, 12345678901234.56, np.nan, np.inf, -np.inf, 5e-324]),
            10 ** rng.uniform(-3, 20, 2_000) * np.sign(rng.normal(size=2_000)),
        ]
    )
    with np.errstate(over="ignore", invalid="ignore"):  # batch's int64 cast of huge values
        want = batch.format_rounded(values)
    assert fasttext.hundredths_texts(values) == want


def _finite_or_not() -> st.SearchStrategy[float]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=1e-5, max_value=1e6),
        st.floats(min_value=-1e6, max_value=-1e-5),
        st.sampled_from(EDGE_VALUES),
        st.builds(lambda m, e: m * 10.0**e, st.integers(-(10**17), 10**17), st.integers(-25, 8)),
    )


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(_finite_or_not(), min_size=1, max_size=40))
def test_property_float_text_equals_python(values: list[float]) -> None:
    array = np.array(values, dtype=np.float64)
    for significant in (15, 17):
        assert fasttext.float_texts(array, significant) == _python_text(array, significant)
    with np.errstate(over="ignore", invalid="ignore"):
        assert fasttext.hundredths_texts(array) == batch.format_rounded(array)


def test_lines_fields_ids_and_codes() -> None:
    """Ids are quoted as ``batch._csv_field`` does, codes and flags map to their letters,
    NaN is an empty field; row numbers when there is no id column."""
    n = 3
    floats = np.full((fasttext.WHO2006_FLOATS, n), np.nan)
    floats[0] = [80.5, np.nan, 1e-7]
    floats[2] = [-1.2345678901234567, np.nan, 0.1]
    rounded = np.full((8, n), np.nan)
    rounded[0] = [-1.5, np.nan, np.inf]
    codes = np.full((fasttext.WHO2006_CODES, n), -1, np.int8)
    codes[0] = [1, 0, 2]  # measure
    codes[1] = [0, 1, 0]  # c9mo_flag
    codes[2] = [2, 0, 1]  # sex
    codes[3] = [1, -1, 0]  # flen
    texts = [b"a", b'b"c', b"x,y"]
    offsets = np.array([0, 1, 4, 7], np.int32)
    data = np.frombuffer(b"".join(texts), np.uint8)
    out = np.empty(fasttext.output_bytes(n, len(data)), np.uint8)
    end = fasttext.who2006_text(out, (offsets, data), 1, floats, rounded, codes)
    lines = out[:end].tobytes().split(b"\n")
    empty = b"," * 14
    assert lines[0] == b"a,80.5,l,0,,2,-1.5,1" + empty + b",-1.2345678901234567" + b"," * 7
    assert lines[1] == b'"b""c",,,1,,,,' + empty + b"," * 8
    assert lines[2] == b'"x,y",1e-07,h,0,,1,Inf,0' + empty + b",0.10000000000000001" + b"," * 7
    out = np.empty(fasttext.output_bytes(n, None), np.uint8)
    end = fasttext.who2006_text(out, None, 99_999_999, floats, rounded, codes)
    numbers = [line.split(b",")[0] for line in out[:end].tobytes().split(b"\n")[:-1]]
    assert numbers == [b"99999999", b"100000000", b"100000001"]


def test_digit_words_and_row_numbers() -> None:
    """``_digits8`` (the digits of 0 <= v < 10**8 in one register) on every boundary and a
    sample; row numbers across the widths ``_put_integer`` handles."""
    rng = np.random.default_rng(5)
    sample = np.concatenate([rng.integers(0, 10**8, 200_000), [0, 9, 10, 99_999_999]])
    sample = np.concatenate([sample, 10 ** np.arange(8), 10 ** np.arange(1, 9) - 1])
    words = _digit_words(sample.astype(np.int64))
    want = np.frombuffer("".join(f"{v:08d}" for v in sample.tolist()).encode(), np.uint8)
    assert np.array_equal(words.view(np.uint8) + 48, want)
    n = 2
    floats = np.full((fasttext.WHO2006_FLOATS, n), np.nan)
    rounded = np.full((8, n), np.nan)
    codes = np.zeros((fasttext.WHO2006_CODES, n), np.int8)
    out = np.empty(fasttext.output_bytes(n, None), np.uint8)
    for first in (1, 9, 10**8 - 1, 10**16 - 1, 10**18 - 1, 2**63 - 2):
        end = fasttext.who2006_text(out, None, first, floats, rounded, codes)
        numbers = [line.split(b",")[0] for line in out[:end].tobytes().split(b"\n")[:-1]]
        assert numbers == [str(first).encode(), str(first + 1).encode()]


@njit
def _digit_words(values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), np.int64)
    for i in range(len(values)):
        out[i] = fasttext._digits8(values[i])
    return out


def test_id_with_nul_byte_and_no_id_column(tmp_path: Path) -> None:
    src = tmp_path / "nul.csv"
    src.write_bytes(b'id,sex,age_days,weight\na\x00b,1,400,10.5\n"c""d",2,500,9\n')
    dst = tmp_path / "out.csv"
    fastbatch.run(str(src), str(dst))
    assert dst.read_bytes() == _old_bytes(src)
    src.write_bytes(b"sex,age_days,weight\n1,400,10.5\n2,500,9\n")
    fastbatch.run(str(src), str(dst), chunk_rows=1)
    assert dst.read_bytes() == _old_bytes(src)
