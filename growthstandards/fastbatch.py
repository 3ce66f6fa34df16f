"""The ``zscore`` file job (WHO 2006) on Arrow: columnar reading, vectorised text, 2 threads.

Same output as ``batch.run_csv`` byte for byte (a test compares them): the input is parsed by
Arrow's CSV reader as text columns, numbers are converted in C++ when every cell is a plain
decimal number (else by the same Python function as ``batch``), codes (sex, measure, oedema)
are mapped once per distinct spelling, and the output text is built by ``fasttext`` and joined
into lines in C++. Chunks stream through a pool of threads (numpy and Arrow release the GIL),
so memory stays bounded whatever the file's length. ``.parquet`` input and/or output by
extension (typed columns in Parquet output).

Anything the fast reader does not accept the way Python's ``csv`` module does (ragged rows,
blank lines) raises ``FallBack`` before any output is written, and the caller uses ``batch``.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import batch, inputs, who2006
from .fasttext import (
    Text,
    arrow_matrix,
    format_g_few,
    format_hundredths,
    join_lines,
    lookup_text,
    strings_matrix,
    to_strings,
)

CHUNK_ROWS = 65_536
BLOCK_BYTES = 4 << 20
PLAIN_NUMBER = r"^(-?([0-9]+(\.[0-9]*)?|\.[0-9]+))?$"
NEEDS_QUOTES = r'[,"\r\n]'
NUMERIC = ("age_days", "weight", "lenhei", "headc", "muac", "triskin", "subskin")


class FallBack(Exception):
    """The input needs the Python reader (ragged rows, blank lines ...)."""


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _floats(col: pa.Array | None, n: int) -> np.ndarray:
    if col is None:
        return np.full(n, np.nan)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        out: np.ndarray = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        return out.astype(np.float64, copy=True)
    if pc.all(pc.match_substring_regex(col, PLAIN_NUMBER)).as_py():
        blank = pc.equal(col, "")
        nums = pc.cast(pc.if_else(blank, pa.scalar(None, col.type), col), pa.float64())
        return np.asarray(nums.to_numpy(zero_copy_only=False), dtype=np.float64).copy()
    return inputs.float_array([v if v is not None else "" for v in col.to_pylist()], n)


def _codes(col: pa.Array | None, n: int, coder: Callable[[list[Any]], np.ndarray]) -> np.ndarray:
    if col is None:
        return coder([""] * n)
    enc = pc.dictionary_encode(col)
    dictionary = enc.dictionary.to_pylist()
    mapped = coder([v if v is not None else "" for v in dictionary])
    idx = enc.indices.to_numpy(zero_copy_only=False)
    if enc.indices.null_count:
        null_code = coder([""])[0]
        mapped = np.append(mapped, null_code)
        idx = np.where(np.isnan(idx.astype(np.float64)), len(mapped) - 1, idx).astype(np.int64)
    codes: np.ndarray = mapped[idx]
    return codes


def _ids(col: pa.Array | None, first_id: int, n: int) -> Text:
    if col is None:
        return strings_matrix(np.arange(first_id, first_id + n).astype(str).tolist())
    text = pc.cast(col, pa.string())
    if text.null_count or pc.any(pc.match_substring_regex(text, NEEDS_QUOTES)).as_py():
        values = ["" if v is None else str(v) for v in text.to_pylist()]
        return strings_matrix([batch._csv_field(v) for v in values])
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    offsets = np.frombuffer(text.buffers()[1], np.int32)[text.offset : text.offset + n + 1]
    buffer = text.buffers()[2]
    data = np.frombuffer(buffer, np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    return arrow_matrix(offsets, data)


_FLAG_TEXTS = ["", "0", "1"]


def _compute(cols: dict[str, pa.Array | None], n: int) -> who2006.Who2006Result:
    sex = _codes(cols.get("sex"), n, inputs.sex_codes)
    measure = _codes(cols.get("measure"), n, inputs.measure_codes)
    oedema = _codes(cols.get("oedema"), n, inputs.oedema_flags)
    nums = {k: _floats(cols.get(k), n) for k in NUMERIC}
    return who2006.zscores(
        sex.astype(np.int8),
        nums["age_days"],
        weight=nums["weight"],
        lenhei=nums["lenhei"],
        measure=measure.astype(np.int8),
        headc=nums["headc"],
        muac=nums["muac"],
        triskin=nums["triskin"],
        subskin=nums["subskin"],
        oedema=oedema.astype(np.bool_),
    )


def text_chunk(cols: dict[str, pa.Array | None], n: int, first_id: int) -> bytes:
    """One chunk: the CSV lines ``batch`` writes for it, as bytes."""
    res = _compute(cols, n)
    out: list[Text | tuple[np.ndarray, int]] = [
        _ids(cols.get("id"), first_id, n),
        format_g_few(res.clenhei, 15),
        lookup_text(res.cmeasure.astype(np.int64), 0, ["", "l", "h"]),
        lookup_text(res.c9mo_flag.astype(np.int64), -1, _FLAG_TEXTS),
        (res.cbmi, 15),
        lookup_text(res.csex.astype(np.int64), 0, ["", "1", "2"]),
    ]
    for ind in who2006.INDICATORS:
        out.append(format_hundredths(res.z[f"z{ind}"], batch._hundredths_text))
        out.append(lookup_text(res.flags[f"f{ind}"].astype(np.int64), -1, _FLAG_TEXTS))
    for ind in who2006.INDICATORS:
        out.append((res.z_unrounded[f"z{ind}"], 17))
    return join_lines(out)


def table_chunk(cols: dict[str, pa.Array | None], n: int, first_id: int) -> pa.Table:
    """One chunk as typed columns (Parquet output): NA = null."""
    res = _compute(cols, n)

    def floats(v: np.ndarray) -> pa.Array:
        return pa.array(v, pa.float64(), mask=np.isnan(v))

    def ints(v: np.ndarray, missing: np.ndarray) -> pa.Array:
        return pa.array(v.astype(np.int8), pa.int8(), mask=missing)

    data: dict[str, pa.Array] = {
        "id": pa.array(to_strings(_ids(cols.get("id"), first_id, n)), pa.string()),
        "clenhei": floats(res.clenhei),
        "cmeasure": pa.array(
            np.array(["", "l", "h"], dtype=object)[res.cmeasure.astype(np.int64)],
            pa.string(),
            mask=res.cmeasure == 0,
        ),
        "c9mo_flag": ints(res.c9mo_flag, np.zeros(n, np.bool_)),
        "cbmi": floats(res.cbmi),
        "csex": ints(res.csex, res.csex == 0),
    }
    for ind in who2006.INDICATORS:
        data[f"z{ind}"] = floats(res.z[f"z{ind}"])
        flag = res.flags[f"f{ind}"]
        data[f"f{ind}"] = ints(flag, flag < 0)
    for ind in who2006.INDICATORS:
        data[f"z{ind}_unrounded"] = floats(res.z_unrounded[f"z{ind}"])
    return pa.table(data)


def _csv_batches(path: str, chunk_rows: int) -> Iterator[tuple[dict[str, pa.Array | None], int]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), None)
    if header is None:
        raise ValueError("input is empty (no header)")
    found = batch._find_columns(header, batch.WHO2006_INPUT)
    names = [f"c{i}" for i in range(len(header))]
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=BLOCK_BYTES, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for rb in reader:
            for start in range(0, rb.num_rows, chunk_rows):
                part = rb.slice(start, chunk_rows)
                cols = {k: part.column(i) for k, i in found.items()}
                yield cols, part.num_rows
    except pa.ArrowInvalid as exc:
        raise FallBack(str(exc)) from exc


def _parquet_batches(
    path: str, chunk_rows: int
) -> Iterator[tuple[dict[str, pa.Array | None], int]]:
    pf = pq.ParquetFile(path)
    header = pf.schema_arrow.names
    found = batch._find_columns(header, batch.WHO2006_INPUT)
    for rb in pf.iter_batches(
        batch_size=chunk_rows, columns=[header[i] for i in set(found.values())]
    ):
        by_name = {name: rb.column(name) for name in rb.schema.names}
        cols = {k: by_name[header[i]] for k, i in found.items()}
        yield cols, rb.num_rows


def run(
    input_path: str,
    output_path: str,
    workers: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """File to file (CSV or Parquet by extension); returns the rows written.

    Raises ``FallBack`` (before writing anything) when the CSV needs the Python reader.
    """
    to_parquet = output_path.lower().endswith(".parquet")
    if input_path.lower().endswith(".parquet"):
        batches = _parquet_batches(input_path, chunk_rows)
    else:
        batches = _csv_batches(input_path, chunk_rows)
    workers = workers or _default_workers()
    done = 0
    sink: IO[bytes] | None = None
    writer: pq.ParquetWriter | None = None
    pending: list[Future[Any]] = []

    def drain(keep: int) -> None:
        nonlocal sink, writer, done
        while len(pending) > keep:
            result = pending.pop(0).result()
            if to_parquet:
                if writer is None:
                    writer = pq.ParquetWriter(output_path, result.schema)
                writer.write_table(result)
                done += result.num_rows
            else:
                if sink is None:
                    sink = open(output_path, "wb")  # noqa: SIM115 - closed below
                    sink.write((",".join(batch.WHO2006_OUTPUT) + "\n").encode())
                sink.write(result[0])
                done += result[1]
            if progress:
                progress(done)

    def text_job(c: dict[str, pa.Array | None], k: int, f: int) -> tuple[bytes, int]:
        return text_chunk(c, k, f), k

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            first = 1
            for cols, n in batches:
                if to_parquet:
                    fut: Future[Any] = pool.submit(table_chunk, cols, n, first)
                else:
                    fut = pool.submit(text_job, cols, n, first)
                pending.append(fut)
                first += n
                drain(workers + 1)
            drain(0)
        if to_parquet and writer is None:
            table_chunk({}, 0, 1)  # no rows: still write the schema
        if not to_parquet and sink is None:
            sink = open(output_path, "wb")  # noqa: SIM115
            sink.write((",".join(batch.WHO2006_OUTPUT) + "\n").encode())
    finally:
        if sink is not None:
            sink.close()
        if writer is not None:
            writer.close()
    return done


def run_files(
    input_path: str, output_path: str, reference: str = "who2006", workers: int | None = None
) -> int:
    """The CLI's ``zscore``: this fast path for WHO 2006, else ``batch.run_files``.

    A CSV the Arrow reader cannot take like Python's ``csv`` module does falls back to
    ``batch.run_files`` (same output, slower). Progress on stderr every ~200,000 rows.
    """
    parquet = input_path.lower().endswith(".parquet") or output_path.lower().endswith(".parquet")
    if reference != "who2006":
        if parquet:
            raise ValueError("Parquet in/out is available for --reference who2006 only")
        return batch.run_files(input_path, output_path, reference)
    started = time.perf_counter()
    last = [0]

    def report(done: int) -> None:
        if done - last[0] >= 200_000:
            last[0] = done
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"{done:,} rows ({rate:,.0f} rows/s)", file=sys.stderr, flush=True)

    try:
        done = run(input_path, output_path, workers=workers, progress=report)
    except FallBack:
        if parquet:
            raise ValueError("the Parquet file could not be read") from None
        return batch.run_files(input_path, output_path, reference)
    rate = done / max(time.perf_counter() - started, 1e-9)
    print(f"{done:,} rows ({rate:,.0f} rows/s)", file=sys.stderr, flush=True)
    return done
