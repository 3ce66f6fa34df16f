"""Vectorised CSV text, byte-identical to Python's ``"%.15g" % v`` / ``"%.17g" % v``.

The batch command writes every value as R's ``write.csv`` does (see ``batch.py``); formatting
millions of floats one by one in Python is what made the file job slow. Here whole columns are
turned into text with numpy, and the lines of a chunk are laid out in a canvas of 4-byte words:

- every field owns a fixed number of words in every line and starts with its separator
  (",", none for the first field); the bytes it does not use are NUL, anywhere in its words;
- a line is the canvas row without its NUL bytes, so no field has to be aligned or shifted:
  the whole chunk is ``bytearray.translate(None, b"\\0")`` (C speed), and every numpy
  operation is on whole columns of words (contiguous vectors, no per-row loops);
- a float is its exact digits (``_digits``: the value times a power of ten as a double-double,
  Dekker's error-free product, rounded half-to-even to P significant digits exactly as the C
  library does), split at the decimal point into the integer part (one 8-byte word from a
  table: separator, sign, up to 4 digits, the point) and 20 fraction digits (5 words of 4
  digits from a table of "0000".."9999", trailing zeros as NUL);
- values the fast path does not cover (exponent notation below 1e-4, 10,000 and above,
  infinities) are formatted by Python and patched in, so the text is always the same.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_POW10 = np.array([10.0**i for i in range(23)])  # exact doubles
_POW10_INT = np.array([10**i for i in range(19)], dtype=np.int64)
_SPLITTER = 134217729.0  # 2**27 + 1
FLOAT_WORDS = 7  # separator, sign, 4 integer digits, point (2 words) + 20 fraction digits


def _four_digit_words() -> np.ndarray:
    """Words for 0..9999: "0000".."9999" (index g) and the same without trailing zeros
    (index 10000 + g; all NUL for 0), as uint32 whose bytes are the characters in order."""
    full = "".join(f"{i:04d}" for i in range(10_000)).encode()
    stripped = b"".join(f"{i:04d}".rstrip("0").encode().ljust(4, b"\0") for i in range(10_000))
    return np.frombuffer(full + stripped, np.uint32).copy()


def _integer_words() -> np.ndarray:
    """Words (uint64) for ",-1234." etc.: index i + 10000*point + 20000*negative; 40000 = ","."""
    texts = [
        ("," + ("-" if neg else "") + str(i) + ("." if point else "")).encode().ljust(8, b"\0")
        for neg in (0, 1)
        for point in (0, 1)
        for i in range(10_000)
    ]
    return np.frombuffer(b"".join([*texts, b",".ljust(8, b"\0")]), np.uint64).copy()


_DIGIT_WORDS = _four_digit_words()
_INTEGER_WORDS = _integer_words()
_NA_INTEGER = 40_000


def _two_product_error(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The exact a*b - p for p = fl(a*b) (Dekker), without FMA."""
    c = _SPLITTER * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLITTER * b
    bh = c - (c - b)
    bl = b - bh
    err: np.ndarray = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return err


def _digits(a: np.ndarray, k: np.ndarray, significant: int) -> np.ndarray:
    """round_half_even(a * 10**(significant-1-k)) as int64, exactly."""
    scale = _POW10[significant - 1 - k]
    hi = a * scale
    lo = _two_product_error(a, scale, hi)
    r = np.rint(hi)
    aa = hi - r  # exact
    m = np.rint(aa + lo)
    upper = (m + 0.5) - aa
    lower = (m - 0.5) - aa
    m = np.where(lo > upper, m + 1, np.where(lo < lower, m - 1, m))
    n = r.astype(np.int64) + m.astype(np.int64)
    tie_up = lo == (m + 0.5) - aa
    tie_down = lo == (m - 0.5) - aa
    odd = (n & 1) == 1
    rounded: np.ndarray = n + (tie_up & odd) - (tie_down & odd)
    return rounded


def text_words(texts: list[bytes], width: int | None = None) -> np.ndarray:
    """A field holding each text: words (width, len(texts)) uint32, NUL-padded."""
    longest = max(map(len, texts), default=0)
    width = width if width is not None else max((longest + 3) // 4, 1)
    size = 4 * width
    if longest > size:
        raise ValueError("text wider than its field")
    joined = b"".join(t.ljust(size, b"\0") for t in texts)
    return np.ascontiguousarray(np.frombuffer(joined, np.uint32).reshape(len(texts), width).T)


def _patch(field: np.ndarray, rows: np.ndarray, texts: list[str]) -> None:
    field[:, rows] = text_words([t.encode() for t in texts], field.shape[0])


def float_words(values: np.ndarray, significant: int = 15) -> np.ndarray:
    """A field of ``"," + "%.{significant}g" % v`` ("," for NaN, "0" for -0.0, Inf/-Inf):
    words (``FLOAT_WORDS``, n)."""
    x = np.asarray(values, dtype=np.float64) + 0.0
    n = len(x)
    out = np.empty((FLOAT_WORDS, n), np.uint32)
    p = significant
    finite = np.isfinite(x)
    a = np.abs(np.where(finite, x, 1.0))
    zero = a == 0.0
    a[zero] = 1.0
    k = np.floor(np.log10(a)).astype(np.int64)
    lo_k, hi_k = -4, 3
    fast = finite & ~zero & (k >= lo_k) & (k <= hi_k)
    a[~fast] = 1.0  # done by Python below; 1.0 and k = 0 keep the int64 digits in range
    k[~fast] = 0
    top, bottom = 10**p, 10 ** (p - 1)
    digits = np.full(n, bottom, np.int64)
    for _ in range(4):
        digits = _digits(a, k, p)
        big = fast & (digits >= top)
        small = fast & (digits < bottom)
        if not (big.any() or small.any()):
            break
        k = np.where(big, k + 1, np.where(small, k - 1, k))
        fast &= (k >= lo_k) & (k <= hi_k)
        k[~fast] = 0
    d = np.where(fast, digits, 0)

    # integer part and the 20 fraction digits (s digits of d after the point, then zeros)
    s = p - 1 - k
    unit = _POW10_INT[np.minimum(s, 18)]  # d < 10**17: the integer part is 0 from 10**18
    whole = d // unit
    frac = d - whole * unit
    unit8 = _POW10_INT[s - 8]
    f_hi = frac // unit8  # fraction digits 1-8
    f_lo = (frac - f_hi * unit8) * _POW10_INT[20 - s]  # fraction digits 9-20
    f_lo_hi, last = np.divmod(f_lo, 10_000)
    groups = (*np.divmod(f_hi, 10_000), *np.divmod(f_lo_hi, 10_000), last)
    # trailing zero groups and the trailing zeros of the last non-zero group are NUL
    tail = np.full(n, 10_000, np.int64)
    for j in range(4, -1, -1):
        np.take(_DIGIT_WORDS, groups[j] + tail, out=out[2 + j])
        tail[groups[j] != 0] = 0
    idx = whole + 10_000 * (frac != 0) + 20_000 * (x < 0)
    idx[~fast] = _NA_INTEGER
    integer = np.take(_INTEGER_WORDS, idx).view(np.uint32).reshape(n, 2)
    out[0] = integer[:, 0]
    out[1] = integer[:, 1]
    slow = ~fast & ~np.isnan(x)
    if slow.any():
        fmt = f"%.{p}g"

        def one(v: float) -> str:
            if np.isinf(v):
                return ",Inf" if v > 0 else ",-Inf"
            return "," + fmt % v

        _patch(out, np.flatnonzero(slow), [one(v) for v in x[slow].tolist()])
    return out


class _HundredthsTable:
    """Words of ``"," + text_of(k)`` for k in a range of hundredths, grown when needed."""

    def __init__(self, text_of: Callable[[int], str]) -> None:
        self.text_of = text_of
        self.table: tuple[np.ndarray, int] = (np.zeros((2, 0), np.uint32), 0)

    def covering(self, kmin: int, kmax: int) -> tuple[np.ndarray, int]:
        words, first = self.table
        count = words.shape[1]
        if count and first <= kmin and kmax < first + count:
            return words, first
        lo = min(kmin, first, -2000) if count else min(kmin, -2000)
        hi = max(kmax, first + count - 1, 2000) if count else max(kmax, 2000)
        texts = [("," + self.text_of(v)).encode() for v in range(lo, hi + 1)]
        width = max(2, (max(map(len, texts)) + 3) // 4)
        self.table = (text_words(texts, width), lo)  # one assignment: safe for other threads
        return self.table


_hundredths_tables: dict[Callable[[int], str], _HundredthsTable] = {}


def hundredths_words(values: np.ndarray, text_of: Callable[[int], str]) -> np.ndarray:
    """A field of rounded z-scores: "," + ``text_of(k)`` for k = rint(v * 100); "," for NaN,
    ",Inf"/",-Inf" for infinities."""
    finite = np.isfinite(values)
    k = np.rint(np.where(finite, values, 0.0) * 100).astype(np.int64)
    kmin, kmax = int(k.min(initial=0)), int(k.max(initial=0))
    if kmax - kmin > 2_000_000:  # absurd values: Python for all
        texts = [
            ("," + text_of(int(v)) if ok else ",").encode()
            for v, ok in zip(k.tolist(), finite.tolist(), strict=True)
        ]
        out = text_words(texts, max(2, (max(map(len, texts)) + 3) // 4 + 1))
    else:
        table = _hundredths_tables.setdefault(text_of, _HundredthsTable(text_of))
        words, first = table.covering(kmin, kmax)
        idx = k - first
        out = np.take(words, idx, axis=1)
        if not finite.all():
            out[:, ~finite] = text_words([b","], out.shape[0])
    inf = np.isinf(values)
    if inf.any():
        _patch(out, np.flatnonzero(inf), [",Inf" if v > 0 else ",-Inf" for v in values[inf]])
    return out


def lookup_words(codes: np.ndarray, first: int, texts: list[str]) -> np.ndarray:
    """A field of ``texts[code - first]`` (each text with its separator)."""
    return np.take(text_words([t.encode() for t in texts]), codes - first, axis=1)


def arrow_text_words(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """A field of the texts of an Arrow string array's buffers (``offsets`` n+1, ``data``)."""
    n = len(offsets) - 1
    lengths = np.diff(offsets).astype(np.int64)
    width = max((int(lengths.max()) + 3) // 4 if n else 0, 1)
    matrix = np.zeros((n, 4 * width), np.uint8)
    rows = np.repeat(np.arange(n), lengths)
    starts = np.repeat(offsets[:-1].astype(np.int64), lengths)
    chars = np.arange(int(offsets[0]), int(offsets[-1]))
    matrix[rows, chars - starts] = data[chars]
    return np.ascontiguousarray(matrix.view(np.uint32).T)


BLOCK_LINES = 2048  # a block of the line canvas stays in the CPU's cache while it is filled


def join_lines(fields: list[np.ndarray | tuple[np.ndarray, int]]) -> bytes:
    """CSV lines of the fields, as one bytes object (``line_blocks`` joined)."""
    return b"".join(line_blocks(fields))


def line_blocks(fields: list[np.ndarray | tuple[np.ndarray, int]]) -> list[bytearray]:
    """CSV lines of the fields (each already starting with its separator, the first without),
    in blocks of ``BLOCK_LINES`` lines to write one after the other (not joined: a copy less).

    A field is words (w, n) or ``(float values, significant digits)`` (``float_words``). The
    canvas is filled and squeezed block by block of lines. No field may hold a NUL byte of
    its own (the caller checks its texts).
    """
    words = [float_words(f[0], f[1]) if isinstance(f, tuple) else f for f in fields]
    rows = [w for field in words for w in field]  # word-columns, each (n,)
    n = len(rows[0])
    total = len(rows) + 1
    block = min(BLOCK_LINES, max(n, 1))
    buffer = bytearray(4 * block * total)
    canvas = np.frombuffer(buffer, np.uint32).reshape(block, total)
    canvas[:, -1] = ord("\n")
    parts: list[bytearray] = []
    for start in range(0, n, block):
        stop = min(start + block, n)
        for j, column in enumerate(rows):
            canvas[: stop - start, j] = column[start:stop]
        if stop - start == block:
            parts.append(buffer.translate(None, b"\0"))
        else:
            parts.append(buffer[: 4 * (stop - start) * total].translate(None, b"\0"))
    return parts


def words_to_strings(words: np.ndarray) -> list[str]:
    """A field's texts as Python strings (NUL bytes dropped; for tests and small outputs)."""
    raw = np.ascontiguousarray(np.atleast_2d(words).T).view(np.uint8)
    return [bytes(r).replace(b"\0", b"").decode() for r in raw]
