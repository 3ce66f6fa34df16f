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
import ctypes
import multiprocessing as mp
import os
import queue
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
    arrow_text_words,
    hundredths_words,
    line_blocks,
    lookup_words,
    text_words,
)

CHUNK_ROWS = 65_536
BLOCK_BYTES = 4 << 20
NEEDS_QUOTES = r'[,"\r\n]'
NUMERIC = ("age_days", "weight", "lenhei", "headc", "muac", "triskin", "subskin")


class FallBack(Exception):
    """The input needs the Python reader (ragged rows, blank lines ...)."""


def _keep_freed_memory() -> None:
    """Ask glibc's malloc to keep freed memory instead of returning it to the system at once.

    Every numpy temporary of a chunk (512 KB for 65,536 rows) is otherwise a fresh ``mmap``
    whose pages fault in again: about a third of ``float_words``' time and most of the job's
    system time. Limits: arrays up to 32 MB come from the heap, which keeps up to 512 MB free.
    No effect (and no error) where the C library is not glibc.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 32 << 20)
    mallopt(m_trim_threshold, 512 << 20)
    mallopt(m_top_pad, 64 << 20)


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _floats(col: pa.Array | None, n: int) -> np.ndarray:
    if col is None:
        return np.full(n, np.nan)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        out: np.ndarray = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        return out.astype(np.float64, copy=True)
    # Arrow's C++ conversion accepts a subset of what Python's float() does (no spaces, no
    # "_", no non-ASCII digits) and gives the same correctly rounded value; anything else
    # makes it raise, and the whole column goes through Python's float() as in ``batch``.
    try:
        blank = pc.equal(col, "")
        nums = pc.cast(pc.if_else(blank, pa.scalar(None, col.type), col), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return inputs.float_array([v if v is not None else "" for v in col.to_pylist()], n)
    return np.asarray(nums.to_numpy(zero_copy_only=False), dtype=np.float64).copy()


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


def _id_strings(col: pa.Array | None, first_id: int, n: int) -> list[str]:
    """The ids as Python strings (row numbers when the input has no id column)."""
    if col is None:
        return np.arange(first_id, first_id + n).astype(str).tolist()
    return ["" if v is None else str(v) for v in pc.cast(col, pa.string()).to_pylist()]


def _ids(col: pa.Array | None, first_id: int, n: int) -> tuple[np.ndarray, list[bytes] | None]:
    """The id field as words, and the CSV texts of the ids when one holds a NUL byte itself
    (the line canvas drops NUL bytes, so such a chunk is joined differently)."""
    text = None if col is None else pc.cast(col, pa.string())
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if text is not None and not text.null_count:
        offsets = np.frombuffer(text.buffers()[1], np.int32)[text.offset : text.offset + n + 1]
        buffer = text.buffers()[2]
        data = np.frombuffer(buffer, np.uint8) if buffer is not None else np.zeros(0, np.uint8)
        used = data[int(offsets[0]) : int(offsets[-1])] if n else data[:0]
        quoted = pc.any(pc.match_substring_regex(text, NEEDS_QUOTES)).as_py()
        if not quoted and not (used == 0).any():
            return arrow_text_words(offsets, data), None
    encoded = [batch._csv_field(v).encode() for v in _id_strings(col, first_id, n)]
    return text_words(encoded), encoded if any(b"\0" in t for t in encoded) else None


_FLAG_TEXTS = [",", ",0", ",1"]


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


def text_chunk(cols: dict[str, pa.Array | None], n: int, first_id: int) -> list[bytearray]:
    """One chunk: the CSV lines ``batch`` writes for it, as blocks of bytes in order."""
    res = _compute(cols, n)
    ids, raw_ids = _ids(cols.get("id"), first_id, n)
    fields: list[np.ndarray | tuple[np.ndarray, int]] = [
        ids,
        (res.clenhei, 15),
        lookup_words(res.cmeasure.astype(np.int64), 0, [",", ",l", ",h"]),
        lookup_words(res.c9mo_flag.astype(np.int64), -1, _FLAG_TEXTS),
        (res.cbmi, 15),
        lookup_words(res.csex.astype(np.int64), 0, [",", ",1", ",2"]),
    ]
    for ind in who2006.INDICATORS:
        fields.append(hundredths_words(res.z[f"z{ind}"], batch._hundredths_text))
        fields.append(lookup_words(res.flags[f"f{ind}"].astype(np.int64), -1, _FLAG_TEXTS))
    for ind in who2006.INDICATORS:
        fields.append((res.z_unrounded[f"z{ind}"], 17))
    if raw_ids is None:
        return line_blocks(fields)
    # an id holding a NUL byte: the other fields through the canvas, the ids put back as is
    rest = b"".join(line_blocks(fields[1:])).split(b"\n")
    return [bytearray(b"".join(i + r + b"\n" for i, r in zip(raw_ids, rest, strict=False)))]


def table_chunk(cols: dict[str, pa.Array | None], n: int, first_id: int) -> pa.Table:
    """One chunk as typed columns (Parquet output): NA = null."""
    res = _compute(cols, n)

    def floats(v: np.ndarray) -> pa.Array:
        return pa.array(v, pa.float64(), mask=np.isnan(v))

    def ints(v: np.ndarray, missing: np.ndarray) -> pa.Array:
        return pa.array(v.astype(np.int8), pa.int8(), mask=missing)

    data: dict[str, pa.Array] = {
        "id": pa.array(_id_strings(cols.get("id"), first_id, n), pa.string()),
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


def _write_all(fd: int, parts: list[bytearray]) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]


def _process_worker(tasks: Any, results: Any, fd: int, turn: Any, abort: Any, cond: Any) -> None:
    """A worker process: text of each chunk it takes, written to ``fd`` in chunk order."""
    while (task := tasks.get()) is not None:
        index, cols, n, first = task
        try:
            data = text_chunk(cols, n, first)
            with cond:
                while turn.value != index:
                    if abort.value:
                        return
                    cond.wait(0.5)
            _write_all(fd, data)
            with cond:
                turn.value = index + 1
                cond.notify_all()
        except BaseException as exc:  # reported to the parent, which stops the job
            results.put((index, 0, f"{type(exc).__name__}: {exc}"))
            return
        results.put((index, n, None))


def _run_processes(
    batches: Iterator[tuple[dict[str, pa.Array | None], int]],
    output_path: str,
    workers: int,
    progress: Callable[[int], None] | None,
) -> int:
    """CSV text in ``workers`` forked processes (no shared GIL); each writes its chunks to the
    output in order, so the lines never travel back through the parent."""
    ctx = mp.get_context("fork")
    tasks, results = ctx.Queue(), ctx.Queue()
    turn, abort = ctx.Value("q", 0, lock=False), ctx.Value("b", 0, lock=False)
    cond = ctx.Condition()
    fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    procs = []
    try:
        _write_all(fd, [bytearray((",".join(batch.WHO2006_OUTPUT) + "\n").encode())])
        # fork before the first Arrow read: no Arrow threads exist yet in the parent
        procs = [
            ctx.Process(target=_process_worker, args=(tasks, results, fd, turn, abort, cond))
            for _ in range(workers)
        ]
        for proc in procs:
            proc.start()
        done = sent = received = 0

        def collect() -> None:
            nonlocal done, received
            while True:
                try:
                    _, rows, error = results.get(timeout=1.0)
                    break
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in procs):
                        raise RuntimeError("a worker process died") from None
            if error is not None:
                raise RuntimeError(f"worker failed: {error}")
            received += 1
            done += rows
            if progress:
                progress(done)

        first = 1
        for cols, n in batches:
            tasks.put((sent, cols, n, first))
            sent += 1
            first += n
            while sent - received > 2 * workers:  # bounded memory: few chunks in flight
                collect()
        while received < sent:
            collect()
        for _ in procs:
            tasks.put(None)
        for proc in procs:
            proc.join()
        return done
    except BaseException:
        abort.value = 1
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join()
        raise
    finally:
        os.close(fd)


def run(
    input_path: str,
    output_path: str,
    workers: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """File to file (CSV or Parquet by extension); returns the rows written.

    CSV output with 2 or more workers: forked worker processes (``_run_processes``); Parquet
    output or a single worker: threads of this process. Raises ``FallBack`` when the CSV
    needs the Python reader (the caller then rewrites the whole output).
    """
    to_parquet = output_path.lower().endswith(".parquet")
    _keep_freed_memory()  # before the worker processes are forked: they inherit it
    if input_path.lower().endswith(".parquet"):
        batches = _parquet_batches(input_path, chunk_rows)
    else:
        batches = _csv_batches(input_path, chunk_rows)
    workers = workers or _default_workers()
    if not to_parquet and workers > 1 and "fork" in mp.get_all_start_methods():
        return _run_processes(batches, output_path, workers, progress)
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
                sink.writelines(result[0])
                done += result[1]
            if progress:
                progress(done)

    def text_job(c: dict[str, pa.Array | None], k: int, f: int) -> tuple[list[bytearray], int]:
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
        if to_parquet and writer is None:  # no rows: still write the schema
            pq.write_table(table_chunk({}, 0, 1), output_path)
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
