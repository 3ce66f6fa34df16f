"""Reading side of the ``zscore`` file job (WHO 2006): Arrow's CSV and Parquet readers, the
codes and numbers of ``batch``'s rules, the z-scores of a chunk, and Parquet output.

Kept apart from ``fastbatch`` so that the process that formats the text never imports Arrow
(and the reading process never imports numba): each loads only what it uses, in parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from . import batch, inputs, who2006
from .fastbatch import NUMERIC, FallBack, TextColumns, csv_columns, zscores

BLOCK_BYTES = 4 << 20
CODES = ("sex", "measure", "oedema")
Columns = dict[str, Any]  # parameter -> pa.Array (a chunk's column) or None (no such column)


def _floats(col: Any, n: int) -> np.ndarray:
    if col is None:
        return np.full(n, np.nan)
    if pa.types.is_float64(col.type):  # typed CSV or Parquet: nulls become NaN
        floats: np.ndarray = col.to_numpy(zero_copy_only=False)
        return floats
    import pyarrow.compute as pc

    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        out: np.ndarray = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        return out
    # Arrow's C++ conversion accepts a subset of what Python's float() does (no spaces, no
    # "_", no non-ASCII digits) and gives the same correctly rounded value; anything else
    # makes it raise, and the whole column goes through Python's float() as in ``batch``.
    try:
        blank = pc.equal(col, "")
        nums = pc.cast(pc.if_else(blank, pa.scalar(None, col.type), col), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return inputs.float_array([v if v is not None else "" for v in col.to_pylist()], n)
    return np.asarray(nums.to_numpy(zero_copy_only=False), dtype=np.float64)


def _codes(col: Any, n: int, coder: Callable[[list[Any]], np.ndarray]) -> np.ndarray:
    """``coder`` applied once per distinct text (dictionary-encoded by the reader or here)."""
    if col is None:
        return coder([""] * n)
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        enc = col
    else:
        import pyarrow.compute as pc

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


def _id_text(col: Any) -> Any:
    """The id column as an Arrow string array without nulls (a null id is empty text)."""
    if not pa.types.is_string(col.type):
        import pyarrow.compute as pc

        col = pc.cast(col, pa.string())
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if col.null_count:
        col = col.fill_null("")
    return col


def id_strings(col: Any, first_id: int, n: int) -> list[str]:
    """The ids as Python strings (row numbers when the input has no id column)."""
    if col is None:
        return np.arange(first_id, first_id + n).astype(str).tolist()
    texts: list[str] = _id_text(col).to_pylist()
    return texts


def id_buffers(col: Any, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The ids' text as an Arrow string array's buffers (offsets n+1 into the bytes); None =
    no id column (row numbers)."""
    if col is None:
        return None
    text = _id_text(col)
    offsets = np.frombuffer(text.buffers()[1], np.int32)[text.offset : text.offset + n + 1]
    buffer = text.buffers()[2]
    data = np.frombuffer(buffer, np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    return offsets, data


def inputs_into(cols: Columns, n: int, numbers: np.ndarray, codes: np.ndarray) -> None:
    """A chunk's inputs with ``batch``'s reading of its texts: the ``NUMERIC`` columns into
    ``numbers`` (7, n), sex, measure and oedema codes into ``codes`` (3, n)."""
    codes[0] = _codes(cols.get("sex"), n, inputs.sex_codes)
    codes[1] = _codes(cols.get("measure"), n, inputs.measure_codes)
    codes[2] = _codes(cols.get("oedema"), n, inputs.oedema_flags)
    for row, key in enumerate(NUMERIC):
        numbers[row] = _floats(cols.get(key), n)


def compute(cols: Columns, n: int) -> who2006.Who2006Result:
    """The z-scores of a chunk, with ``batch``'s reading of its texts."""
    numbers, codes = np.empty((len(NUMERIC), n)), np.empty((3, n), np.int8)
    inputs_into(cols, n, numbers, codes)
    return zscores(numbers, codes)


def table_chunk(cols: Columns, n: int, first_id: int) -> Any:
    """One chunk as typed columns (Parquet output): NA = null."""
    res = compute(cols, n)

    def floats(v: np.ndarray) -> Any:
        return pa.array(v, pa.float64(), mask=np.isnan(v))

    def ints(v: np.ndarray, missing: np.ndarray) -> Any:
        return pa.array(v.astype(np.int8), pa.int8(), mask=missing)

    data: dict[str, Any] = {
        "id": pa.array(id_strings(cols.get("id"), first_id, n), pa.string()),
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


def csv_batches(path: str, chunk_rows: int, typed: bool = False) -> Iterator[tuple[Columns, int]]:
    """Chunks of the CSV's columns. ``typed``: number columns parsed to float64 and codes
    dictionary-encoded by the reader; a cell it cannot read as a number raises
    ``TextColumns`` (its parser accepts the subset of ``float()``'s syntax described in
    ``_floats``, plus spaces and tabs around the number, which ``float()`` strips too; an
    empty cell is missing). A CSV Python's ``csv`` module reads differently (ragged rows,
    blank lines) raises ``FallBack``."""
    import pyarrow.csv as pacsv

    header, found = csv_columns(path)
    names = [f"c{i}" for i in range(len(header))]
    types: dict[str, Any] = {}
    for key, i in found.items():
        if typed and key in NUMERIC:
            types[names[i]] = pa.float64()
        elif typed and key in CODES:
            types[names[i]] = pa.dictionary(pa.int32(), pa.string())
        else:
            types[names[i]] = pa.string()
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=BLOCK_BYTES, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=[names[i] for i in sorted(set(found.values()))],
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for rb in reader:
            for start in range(0, rb.num_rows, chunk_rows):
                part = rb.slice(start, chunk_rows)
                yield {k: part.column(names[i]) for k, i in found.items()}, part.num_rows
    except pa.ArrowInvalid as exc:
        if typed:
            raise TextColumns(str(exc)) from exc
        raise FallBack(str(exc)) from exc


def parquet_batches(path: str, chunk_rows: int) -> Iterator[tuple[Columns, int]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    header = pf.schema_arrow.names
    found = batch._find_columns(header, batch.WHO2006_INPUT)
    for rb in pf.iter_batches(
        batch_size=chunk_rows, columns=[header[i] for i in set(found.values())]
    ):
        by_name = {name: rb.column(name) for name in rb.schema.names}
        yield {k: by_name[header[i]] for k, i in found.items()}, rb.num_rows


def batches(path: str, chunk_rows: int, typed: bool) -> Iterator[tuple[Columns, int]]:
    """Chunks of a CSV or (by extension) Parquet file."""
    if path.lower().endswith(".parquet"):
        return parquet_batches(path, chunk_rows)
    return csv_batches(path, chunk_rows, typed)


def write_parquet(
    chunks: Iterator[Any], output_path: str, progress: Callable[[int], None] | None
) -> int:
    """Typed tables (``table_chunk``) to a Parquet file; an empty input still gets its
    schema."""
    import pyarrow.parquet as pq

    done = 0
    writer: Any = None
    try:
        for table in chunks:
            if writer is None:
                writer = pq.ParquetWriter(output_path, table.schema)
            writer.write_table(table)
            done += table.num_rows
            if progress:
                progress(done)
        if writer is None:
            pq.write_table(table_chunk({}, 0, 1), output_path)
    finally:
        if writer is not None:
            writer.close()
    return done
