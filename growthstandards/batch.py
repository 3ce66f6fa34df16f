"""Batch z-scores for CSV files, with the columns of the WHO R packages' outputs.

Input columns are found by header name (extra columns ignored, blank = missing); the file is
streamed in chunks so memory stays flat whatever its length. Output text follows R's
``write.csv``: NA as an empty field, 15 significant digits for values, 17 for the unrounded
z-scores, flags as 0/1.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import IO, TextIO

import numpy as np

from . import inputs, who2006, who2007

CHUNK_ROWS = 50_000  # ~200 MB peak for the whole command

# parameter -> accepted header names (first match wins, case-insensitive)
WHO2006_INPUT = {
    "id": ("id",),
    "sex": ("sex",),
    "age_days": ("age_days", "age"),
    "weight": ("weight_kg", "weight"),
    "lenhei": ("lenhei_cm", "lenhei"),
    "measure": ("measure",),
    "headc": ("headc_cm", "headc"),
    "muac": ("muac_cm", "muac", "armc"),
    "triskin": ("triskin_mm", "triskin"),
    "subskin": ("subskin_mm", "subskin"),
    "oedema": ("oedema",),
}
WHO2007_INPUT = {
    "id": ("id",),
    "sex": ("sex",),
    "age_months": ("age_months", "age_in_months"),
    "height": ("height_cm", "height_in_cm", "height"),
    "weight": ("weight_kg", "weight_in_kg", "weight"),
    "oedema": ("oedema",),
}
WHO2006_OUTPUT = (
    ["id", "clenhei", "cmeasure", "c9mo_flag", "cbmi", "csex"]
    + [c for i in who2006.INDICATORS for c in (f"z{i}", f"f{i}")]
    + [f"z{i}_unrounded" for i in who2006.INDICATORS]
)
WHO2007_OUTPUT = (
    ["id", "age_in_months", "csex", "coedema", "cbmi"]
    + [f"z{i}" for i in who2007.INDICATORS]
    + [f"f{i}" for i in who2007.INDICATORS]
    + [f"z{i}_unrounded" for i in who2007.INDICATORS]
)


def format_values(values: np.ndarray, significant: int = 15) -> list[str]:
    """R ``write.csv`` text: 15 significant digits (17 for the unrounded z), '' for NA."""
    digits = f"%.{significant}g"
    # + 0.0 turns -0.0 into 0.0 (R writes "0"); v == v is False only for NaN.
    out = [digits % v if v == v else "" for v in (values + 0.0).tolist()]
    infinite = np.isinf(values)
    if infinite.any():
        for i in np.flatnonzero(infinite).tolist():
            out[i] = "Inf" if values[i] > 0 else "-Inf"
    return out


@lru_cache(maxsize=65_536)
def _hundredths_text(k: int) -> str:
    whole, rest = divmod(abs(k), 100)
    text = str(whole) if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")
    return "-" + text if k < 0 else text


def format_rounded(values: np.ndarray) -> list[str]:
    """Text of z-scores already rounded to 2 decimals ("-0.67", "0.1", "0")."""
    finite = np.isfinite(values)
    hundredths = np.rint(np.where(finite, values, 0.0) * 100).astype(np.int64).tolist()
    out = [
        _hundredths_text(k) if ok else "" for k, ok in zip(hundredths, finite.tolist(), strict=True)
    ]
    if not finite.all():  # Inf can't come from valid input; keep R's spelling anyway
        for i in np.flatnonzero(np.isinf(values)).tolist():
            out[i] = "Inf" if values[i] > 0 else "-Inf"
    return out


_FLAG_TEXT = {-1: "", 0: "0", 1: "1"}


def format_flags(values: np.ndarray) -> list[str]:
    return [_FLAG_TEXT[v] for v in values.tolist()]


def _find_columns(header: Sequence[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    lowered = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for param, names in wanted.items():
        for name in names:
            if name in lowered:
                found[param] = lowered.index(name)
                break
    if "sex" not in found:
        raise ValueError(f"input has no 'sex' column (header: {list(header)})")
    return found


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _ids(rows: list[list[str]], column: list[str] | None, first_id: int) -> list[str]:
    """Input ids, quoted when needed; row numbers when the input has no id column."""
    if column is None:
        return [str(first_id + i) for i in range(len(rows))]
    return [_csv_field(v) for v in column]


def _column(rows: list[list[str]], index: int | None) -> list[str] | None:
    if index is None:
        return None
    try:
        return [r[index] for r in rows]
    except IndexError:  # short rows: missing trailing fields are blank
        return [r[index] if index < len(r) else "" for r in rows]


def _who2006_chunk(rows: list[list[str]], cols: dict[str, int], first_id: int) -> list[list[str]]:
    get = {k: _column(rows, cols.get(k)) for k in WHO2006_INPUT}
    res = who2006.zscores(
        get["sex"] or [],
        get["age_days"],
        weight=get["weight"],
        lenhei=get["lenhei"],
        measure=get["measure"],
        headc=get["headc"],
        muac=get["muac"],
        triskin=get["triskin"],
        subskin=get["subskin"],
        oedema=get["oedema"],
    )
    out = [
        _ids(rows, get["id"], first_id),
        format_values(res.clenhei),
        inputs.text_column(res.cmeasure, inputs.MEASURE_LETTERS),
        format_flags(res.c9mo_flag),
        format_values(res.cbmi),
        inputs.text_column(res.csex, {1: "1", 2: "2"}),
    ]
    for ind in who2006.INDICATORS:
        out.append(format_rounded(res.z[f"z{ind}"]))
        out.append(format_flags(res.flags[f"f{ind}"]))
    for ind in who2006.INDICATORS:
        out.append(format_values(res.z_unrounded[f"z{ind}"], 17))
    return out


def _who2007_chunk(rows: list[list[str]], cols: dict[str, int], first_id: int) -> list[list[str]]:
    get = {k: _column(rows, cols.get(k)) for k in WHO2007_INPUT}
    res = who2007.zscores(
        get["sex"] or [],
        get["age_months"],
        height=get["height"],
        weight=get["weight"],
        oedema=get["oedema"],
    )
    out = [
        _ids(rows, get["id"], first_id),
        format_values(res.age_months),
        inputs.text_column(res.csex, {1: "1", 2: "2"}),
        ["y" if o else "n" for o in res.oedema.tolist()],
        format_values(res.cbmi),
    ]
    out += [format_rounded(res.z[f"z{i}"]) for i in who2007.INDICATORS]
    out += [format_flags(res.flags[f"f{i}"]) for i in who2007.INDICATORS]
    out += [format_values(res.z_unrounded[f"z{i}"], 17) for i in who2007.INDICATORS]
    return out


def _chunks(reader: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while rows := list(islice(reader, size)):
        yield rows


def run_csv(
    source: TextIO,
    target: IO[str],
    reference: str = "who2006",
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream ``source`` CSV to ``target`` CSV; returns the number of rows written."""
    if reference == "who2006":
        wanted, header_out, compute = WHO2006_INPUT, WHO2006_OUTPUT, _who2006_chunk
    elif reference == "who2007":
        wanted, header_out, compute = WHO2007_INPUT, WHO2007_OUTPUT, _who2007_chunk
    else:
        raise ValueError(f"reference must be 'who2006' or 'who2007', got {reference!r}")
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None:
        raise ValueError("input is empty (no header)")
    cols = _find_columns(header, wanted)
    target.write(",".join(header_out) + "\n")
    done = 0
    for rows in _chunks(reader, chunk_rows):
        columns = compute(rows, cols, done + 1)
        target.writelines(",".join(r) + "\n" for r in zip(*columns, strict=True))
        done += len(rows)
        if progress:
            progress(done)
    return done


def run_files(input_path: str, output_path: str, reference: str = "who2006") -> int:
    """CLI helper: file to file, progress on stderr after every chunk."""
    started = time.perf_counter()

    def report(done: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(f"{done:,} rows ({rate:,.0f} rows/s)", file=sys.stderr, flush=True)

    with (
        open(input_path, newline="", encoding="utf-8-sig") as src,
        open(output_path, "w", newline="", encoding="utf-8") as dst,
    ):
        return run_csv(src, dst, reference, progress=report)
