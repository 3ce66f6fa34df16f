"""The ``zscore`` file job (WHO 2006): Arrow for reading, numba for the text, both cores.

Same output as ``batch.run_csv`` byte for byte (tests compare them). Two processes share the
work from the start, each importing only what it uses:

- the reader (a forked child; ``fastread``, Arrow): parses the CSV with the number columns as
  float64 and the codes dictionary-encoded (a number Arrow does not read the way ``float()``
  does: the whole job restarts with text columns, converted like ``batch``), computes the
  z-scores of each chunk and puts them in a slot of a shared memory ring;
- this process: imports numba and loads the compiled line writer meanwhile (about 0.8 s of
  Python that would otherwise hold the GIL against the numpy work), then formats the slots in
  threads (``fasttext.who2006_lines`` releases the GIL) and writes them in order. Once it
  waits for work, the reader hands it some chunks' inputs instead (``_give_inputs``) and it
  computes their z-scores itself: both cores share the numpy work too.

Memory stays bounded whatever the file's length: ``RING_SLOTS`` chunks in shared memory, one
output buffer per thread. Without ``fork`` (or ``workers=1``) everything runs in this process
with threads; ``.parquet`` input and/or output by extension (typed columns in Parquet output).
A CSV below ``SMALL_CSV_BYTES`` is written by ``batch`` (loading numba would take longer).

A CSV the Arrow reader does not read as Python's ``csv`` module does (ragged rows, blank
lines) raises ``FallBack`` and ``run_files`` uses ``batch`` instead (rewriting the output).
"""

from __future__ import annotations

import csv
import ctypes
import mmap
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from . import batch, who2006

CHUNK_ROWS = 32_768
# A CSV below this size (about 50,000 rows) is done by ``batch`` in this process: quicker
# than loading numba (~0.4 s) and forking the reader, for the same bytes.
SMALL_CSV_BYTES = 2 << 20
RING_SLOTS = 12  # chunks the reader may be ahead (it works while numba loads here)
ID_BYTES_PER_ROW = 32  # id text a slot holds per row on average; more goes through the pipe
NUMERIC = ("age_days", "weight", "lenhei", "headc", "muac", "triskin", "subskin")
T = TypeVar("T")


class FallBack(Exception):
    """The input needs the Python reader (ragged rows, blank lines ...)."""


class TextColumns(Exception):
    """A number column holds a cell the typed reader does not take: read text columns."""


def _keep_freed_memory() -> None:
    """Ask glibc's malloc to keep freed memory instead of returning it to the system at once.

    Every numpy temporary of a chunk (512 KB for 65,536 rows) is otherwise a fresh ``mmap``
    whose pages fault in again (most of the job's system time). Limits: arrays up to 32 MB
    come from the heap, which keeps up to 512 MB free. No effect (and no error) where the C
    library is not glibc.
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


def _write_all(fd: int, data: Any) -> None:
    view = memoryview(data).cast("B")
    while view:
        view = view[os.write(fd, view) :]


def _in_order(
    pool: ThreadPoolExecutor, calls: Iterable[tuple[Callable[..., T], tuple[Any, ...]]], ahead: int
) -> Iterator[T]:
    """The results of ``calls`` run in ``pool``, in order, at most ``ahead`` in flight."""
    pending: deque[Future[T]] = deque()
    try:
        for fn, args in calls:
            pending.append(pool.submit(fn, *args))
            while len(pending) > ahead or (pending and pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()


def zscores(numbers: np.ndarray, codes: np.ndarray) -> who2006.Who2006Result:
    """``who2006.zscores`` of a chunk's inputs: ``numbers`` (7, n) the ``NUMERIC`` columns,
    ``codes`` (3, n) sex, measure and oedema codes (both copied by ``who2006``)."""
    return who2006.zscores(
        codes[0],
        numbers[0],
        weight=numbers[1],
        lenhei=numbers[2],
        measure=codes[1],
        headc=numbers[3],
        muac=numbers[4],
        triskin=numbers[5],
        subskin=numbers[6],
        oedema=codes[2].astype(np.bool_),
    )


def pack(
    res: who2006.Who2006Result, floats: np.ndarray, rounded: np.ndarray, codes: np.ndarray
) -> None:
    """The result columns into the three arrays of ``fasttext.who2006_lines``."""
    floats[0] = res.clenhei
    floats[1] = res.cbmi
    codes[0] = res.cmeasure
    codes[1] = res.c9mo_flag
    codes[2] = res.csex
    for j, ind in enumerate(who2006.INDICATORS):
        floats[2 + j] = res.z_unrounded[f"z{ind}"]
        rounded[j] = res.z[f"z{ind}"]
        codes[3 + j] = res.flags[f"f{ind}"]


class _Slots:
    """Shared memory for chunks of up to ``rows`` rows, as the arrays of
    ``fasttext.who2006_lines``: an anonymous shared mapping, inherited by the forked reader."""

    def __init__(self, rows: int, count: int) -> None:
        self.rows = rows
        self.id_bytes = ID_BYTES_PER_ROW * rows
        # floats (10) and rounded (8) float64, codes (11) int8, id offsets int32, id bytes
        self.size = -(-(155 * rows + 4 * (rows + 1) + self.id_bytes) // 64) * 64
        self.memory = mmap.mmap(-1, self.size * count)

    def arrays(self, slot: int, n: int) -> tuple[np.ndarray, ...]:
        """floats (10, n), rounded (8, n), codes (11, n), id offsets (n + 1), id bytes."""
        base, rows, memory = slot * self.size, self.rows, self.memory
        return (
            np.frombuffer(memory, np.float64, 10 * n, base).reshape(10, n),
            np.frombuffer(memory, np.float64, 8 * n, base + 80 * rows).reshape(8, n),
            np.frombuffer(memory, np.int8, 11 * n, base + 144 * rows).reshape(11, n),
            np.frombuffer(memory, np.int32, n + 1, base + 155 * rows),
            np.frombuffer(memory, np.uint8, self.id_bytes, base + 155 * rows + 4 * (rows + 1)),
        )


def _give_inputs(formatting: bool, spare: int) -> bool:
    """Whether the reader hands a chunk's inputs to the formatter instead of its z-scores:
    when the formatter is ahead (it has loaded numba and gives slots back faster than they
    are filled), so that both processes compute."""
    return formatting and spare > RING_SLOTS // 2


def _read(
    input_path: str, chunk_rows: int, typed: bool, slots: _Slots, free: Any, messages: Any
) -> None:
    """The reader process: chunks read and put in free slots, with their z-scores computed
    here, or only their inputs when the formatter waits for work (it computes those itself:
    the two processes share the numpy work). Every outcome is a message (exceptions
    included: the parent raises them)."""
    try:
        from . import fastread

        first = 1
        spare = list(range(RING_SLOTS))  # free slots
        formatting = False  # whether the formatter has given back a slot (numba is loaded)
        for cols, n in fastread.batches(input_path, chunk_rows, typed):
            while free.poll():
                spare.append(free.recv())
                formatting = True
            if not spare:
                spare.append(free.recv())  # waits while the formatter is behind
                formatting = True
            raw = _give_inputs(formatting, len(spare))
            slot = spare.pop()
            floats, rounded, codes, offsets, data = slots.arrays(slot, n)
            if raw:
                fastread.inputs_into(cols, n, floats[: len(NUMERIC)], codes[:3])
            else:
                pack(fastread.compute(cols, n), floats, rounded, codes)
            ids = fastread.id_buffers(cols.get("id"), n)
            id_length, spill = -1, None
            if ids is not None:
                start, stop = int(ids[0][0]), int(ids[0][-1])
                id_length = stop - start
                if id_length <= len(data):
                    np.subtract(ids[0], start, out=offsets)
                    data[:id_length] = ids[1][start:stop]
                else:  # long ids: through the pipe
                    spill = (ids[0] - start, ids[1][start:stop].copy())
            messages.send(("chunk", slot, raw, n, first, id_length, spill))
            first += n
        messages.send(("done",))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        try:
            messages.send(("raise", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            messages.send(("raise", RuntimeError(f"reader: {type(exc).__name__}: {exc}")))


def _run_forked(
    input_path: str,
    output_path: str,
    workers: int,
    chunk_rows: int,
    typed: bool,
    progress: Callable[[int], None] | None,
) -> int:
    """CSV text: the reader process fills the slots, ``workers`` threads format them here."""
    ctx = mp.get_context("fork")
    slots = _Slots(chunk_rows, RING_SLOTS)
    free_out, free_in = ctx.Pipe(duplex=False)
    messages_in, messages_out = ctx.Pipe(duplex=False)
    reader = ctx.Process(
        target=_read,
        args=(input_path, chunk_rows, typed, slots, free_out, messages_out),
        daemon=True,
    )
    reader.start()
    messages_out.close()  # so that a dead reader shows as EOF
    fd = -1
    try:
        from . import fasttext

        fasttext.warm_up()  # numba: while the reader reads
        fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        _write_all(fd, (",".join(batch.WHO2006_OUTPUT) + "\n").encode())
        buffers: list[np.ndarray] = []  # output buffers to reuse (list pop/append are atomic)

        def format_slot(
            slot: int, raw: bool, n: int, first: int, id_length: int, spill: Any
        ) -> tuple[np.ndarray, int, int, int]:
            floats, rounded, codes, offsets, data = slots.arrays(slot, n)
            if raw:  # only the inputs: compute here (who2006 copies them first)
                pack(zscores(floats[: len(NUMERIC)], codes[:3]), floats, rounded, codes)
            ids = None if id_length < 0 else spill if spill is not None else (offsets, data)
            size = fasttext.output_bytes(n, None if id_length < 0 else id_length)
            out = buffers.pop() if buffers else np.empty(0, np.uint8)
            if len(out) < size:
                out = np.empty(size + size // 2, np.uint8)  # room for larger chunks
            end = fasttext.who2006_text(out, ids, first, floats, rounded, codes)
            return out, end, slot, n

        # A writer thread writes the formatted chunks in order and gives their slots back as
        # soon as they are done; this thread only waits for the reader's messages.
        formatted: queue.Queue[Future[tuple[np.ndarray, int, int, int]] | None]
        formatted = queue.Queue(maxsize=workers + 1)
        written = [0]
        failure: list[BaseException] = []

        def write_in_order() -> None:
            try:
                while (future := formatted.get()) is not None:
                    out, end, slot, n = future.result()
                    free_in.send(slot)
                    _write_all(fd, out[:end])
                    buffers.append(out)
                    written[0] += n
                    if progress:
                        progress(written[0])
            except BaseException as exc:  # noqa: BLE001 - raised again by the main thread
                failure.append(exc)
                reader.terminate()  # the main thread waits for it: EOF
                while formatted.get() is not None:  # unblock the main thread's puts
                    pass

        writer = threading.Thread(target=write_in_order, daemon=True)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            writer.start()
            try:
                while not failure:
                    try:
                        message = messages_in.recv()
                    except EOFError:
                        if failure:
                            break
                        raise RuntimeError("the reader process died") from None
                    if message[0] == "chunk":
                        formatted.put(pool.submit(format_slot, *message[1:]))
                    elif message[0] == "done":
                        break
                    else:  # the reader's exception: TextColumns, FallBack, a user's mistake
                        raise message[1]
            finally:
                formatted.put(None)
                writer.join()
        if failure:
            raise failure[0]
        return written[0]
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        if fd >= 0:
            os.close(fd)
        for conn in (free_in, free_out, messages_in):
            conn.close()


def text_chunk(cols: Any, n: int, first_id: int, out: np.ndarray | None = None) -> np.ndarray:
    """One chunk in this process: the CSV lines ``batch`` writes for it, as a view of ``out``
    (a uint8 buffer to reuse; a larger one is allocated when it is too small)."""
    from . import fastread, fasttext

    res = fastread.compute(cols, n)
    floats, rounded = np.empty((10, n)), np.empty((8, n))
    codes = np.empty((11, n), np.int8)
    pack(res, floats, rounded, codes)
    ids = fastread.id_buffers(cols.get("id"), n)
    size = fasttext.output_bytes(n, None if ids is None else int(ids[0][-1] - ids[0][0]))
    if out is None or len(out) < size:
        out = np.empty(size + size // 2, np.uint8)
    return out[: fasttext.who2006_text(out, ids, first_id, floats, rounded, codes)]


def _run_threads(
    batches: Iterator[tuple[Any, int]],
    output_path: str,
    workers: int,
    progress: Callable[[int], None] | None,
) -> int:
    """CSV text in this process: ``workers`` threads compute and format, this one writes."""
    buffers: list[np.ndarray] = []

    def job(cols: Any, n: int, first: int) -> tuple[np.ndarray, int]:
        return text_chunk(cols, n, first, buffers.pop() if buffers else None), n

    def calls() -> Iterator[tuple[Callable[..., Any], tuple[Any, ...]]]:
        first = 1
        for cols, n in batches:
            yield job, (cols, n, first)
            first += n

    done = 0
    fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        _write_all(fd, (",".join(batch.WHO2006_OUTPUT) + "\n").encode())
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for text, n in _in_order(pool, calls(), workers + 1):
                _write_all(fd, text)
                buffers.append(text.base if isinstance(text.base, np.ndarray) else text)
                done += n
                if progress:
                    progress(done)
    finally:
        os.close(fd)
    return done


def run(
    input_path: str,
    output_path: str,
    workers: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """File to file (CSV or Parquet by extension); returns the rows written.

    CSV output: a reader process and ``workers`` formatting threads (``_run_forked``), or with
    ``workers=1`` or no ``fork`` a thread pool in this process. Raises ``FallBack`` when the
    CSV needs the Python reader (the caller then rewrites the whole output).
    """
    workers = workers or _default_workers()
    _keep_freed_memory()  # before the fork: the reader inherits it
    if output_path.lower().endswith(".parquet"):
        from . import fastread

        with ThreadPoolExecutor(max_workers=workers) as pool:
            calls = (
                (fastread.table_chunk, (cols, n, first))
                for cols, n, first in _numbered(fastread.batches(input_path, chunk_rows, False))
            )
            return fastread.write_parquet(
                _in_order(pool, calls, workers + 1), output_path, progress
            )
    if not input_path.lower().endswith(".parquet"):
        csv_columns(input_path)  # a missing file, no header, no sex column: raised here
    for typed in (True, False):
        try:
            if workers > 1 and "fork" in mp.get_all_start_methods():
                return _run_forked(input_path, output_path, workers, chunk_rows, typed, progress)
            from . import fastread

            batches = fastread.batches(input_path, chunk_rows, typed)
            return _run_threads(batches, output_path, workers, progress)
        except TextColumns:  # a number Arrow does not read like float(): text columns
            continue
    raise AssertionError("unreachable: the text-column reader raises no TextColumns")


def csv_columns(path: str) -> tuple[list[str], dict[str, int]]:
    """A CSV's header and the column of each input parameter (``batch``'s header rules)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), None)
    if header is None:
        raise ValueError("input is empty (no header)")
    return header, batch._find_columns(header, batch.WHO2006_INPUT)


def _numbered(batches: Iterator[tuple[Any, int]]) -> Iterator[tuple[Any, int, int]]:
    """Each chunk with the number of its first row (1-based)."""
    first = 1
    for cols, n in batches:
        yield cols, n, first
        first += n


def run_files(
    input_path: str, output_path: str, reference: str = "who2006", workers: int | None = None
) -> int:
    """The CLI's ``zscore``: this fast path for WHO 2006 (from ``SMALL_CSV_BYTES``), else
    ``batch.run_files``.

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

    if not parquet and os.path.getsize(input_path) < SMALL_CSV_BYTES:
        return batch.run_files(input_path, output_path, reference)
    try:
        done = run(input_path, output_path, workers=workers, progress=report)
    except FallBack:
        if parquet:
            raise ValueError("the Parquet file could not be read") from None
        return batch.run_files(input_path, output_path, reference)
    rate = done / max(time.perf_counter() - started, 1e-9)
    print(f"{done:,} rows ({rate:,.0f} rows/s)", file=sys.stderr, flush=True)
    return done
