"""Vectorised number-to-text, byte-identical to Python's ``"%.15g" % v`` / ``"%.17g" % v``.

The batch command writes every value as R's ``write.csv`` does (see ``batch.py``); formatting
millions of floats one by one in Python is what made the file job slow. Here a whole column is
formatted with numpy: the exact value times a power of ten is split into a double-double
(Dekker's error-free product), rounded half-to-even to P significant digits exactly as the C
library does, and the digits are laid into a character matrix from which an Arrow string
array is cut. Values the fast path does not cover (exponent notation below 1e-4 or from 1e15,
infinities) are formatted by Python and patched in, so the text is always the same.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_POW10 = np.array([10.0**i for i in range(23)])  # exact doubles
_SPLITTER = 134217729.0  # 2**27 + 1
# "0000" .. "9999" as uint32 whose bytes in memory are the 4 ASCII digits in order
_DIGITS4 = (
    np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode(), np.uint8)
    .view(np.uint32)
    .copy()
)
_TRAILING4 = np.array(
    [4] + [len(f"{i:04d}") - len(f"{i:04d}".rstrip("0")) for i in range(1, 10_000)]
)


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


Text = tuple[np.ndarray, np.ndarray]
"""A column of text as a character matrix (n, width) of uint8 and a keep mask of the same
shape: row i's text is ``matrix[i][keep[i]]`` (kept characters in order)."""


def strings_matrix(values: list[str]) -> Text:
    """Text matrix of Python strings (UTF-8)."""
    encoded = [v.encode() for v in values]
    n = len(encoded)
    lengths = np.fromiter(map(len, encoded), np.int64, count=n)
    width = max(int(lengths.max()) if n else 0, 1)
    data = np.frombuffer(b"".join(encoded), np.uint8)
    matrix = np.zeros((n, width), np.uint8)
    rows = np.repeat(np.arange(n), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    matrix[rows, np.arange(len(data)) - starts] = data
    keep = np.arange(width)[None, :] < lengths[:, None]
    return matrix, keep


def arrow_matrix(offsets: np.ndarray, data: np.ndarray) -> Text:
    """Text matrix of an Arrow string array's buffers (``offsets`` n+1, ``data`` bytes)."""
    n = len(offsets) - 1
    lengths = np.diff(offsets).astype(np.int64)
    width = max(int(lengths.max()) if n else 0, 1)
    matrix = np.zeros((n, width), np.uint8)
    rows = np.repeat(np.arange(n), lengths)
    starts = np.repeat(offsets[:-1].astype(np.int64), lengths)
    chars = np.arange(int(offsets[0]), int(offsets[-1]))
    matrix[rows, chars - starts] = data[chars]
    keep = np.arange(width)[None, :] < lengths[:, None]
    return matrix, keep


def _patch(text: Text, rows: np.ndarray, values: list[str], can_widen: bool = True) -> Text:
    """Replace the text of ``rows`` (widening the matrix if needed and allowed)."""
    matrix, keep = text
    pm, pk = strings_matrix(values)
    if pm.shape[1] > matrix.shape[1]:
        if not can_widen:
            raise ValueError("text wider than its column")
        extra = pm.shape[1] - matrix.shape[1]
        matrix = np.pad(matrix, ((0, 0), (0, extra)))
        keep = np.pad(keep, ((0, 0), (0, extra)))
    matrix[rows] = 0
    keep[rows] = False
    matrix[rows, : pm.shape[1]] = pm
    keep[rows, : pm.shape[1]] = pk
    return matrix, keep


def g_width(significant: int) -> int:
    """Characters a ``format_g`` matrix has per row."""
    return significant + 7  # sign, "0.", 3 leading zeros, digits, "."


def format_g(values: np.ndarray, significant: int = 15, out: Text | None = None) -> Text:
    """Text equal to ``"%.{significant}g" % v`` ('' for NaN, "0" for -0.0, Inf/-Inf).

    ``out``: matrices (n, ``g_width(significant)``) to write into (views of a line canvas).
    """
    x = np.asarray(values, dtype=np.float64) + 0.0
    n = len(x)
    finite = np.isfinite(x)
    a = np.abs(np.where(finite, x, 1.0))
    zero = a == 0.0
    a[zero] = 1.0
    k = np.floor(np.log10(a)).astype(np.int64)
    lo_k, hi_k = -4, significant - 1
    fast = finite & ~zero & (k >= lo_k) & (k <= hi_k)
    k = np.clip(k, lo_k - 1, hi_k + 1)
    top, bottom = 10**significant, 10 ** (significant - 1)
    digits = np.full(n, bottom, np.int64)
    for _ in range(4):
        digits = _digits(a, np.clip(k, lo_k, hi_k), significant)
        big = fast & (digits >= top)
        small = fast & (digits < bottom)
        if not (big.any() or small.any()):
            break
        k = np.where(big, k + 1, np.where(small, k - 1, k))
        fast &= (k >= lo_k) & (k <= hi_k)
    k = np.clip(k, lo_k, hi_k)
    digits = np.where(fast, digits, bottom)

    # digit characters, most significant first, 4 at a time from a table of "0000".."9999"
    # (one uint32 per group), with at least 5 leading zeros: "00000" + digits
    groups = (significant + 5 + 3) // 4
    pad = 4 * groups - significant
    # and the index of the last non-zero digit (trailing zeros counted group by group)
    d32 = np.empty((n, groups), np.uint32)
    rest = digits
    trailing = np.zeros(n, np.int64)
    all_zero = np.ones(n, np.bool_)
    for j in range(groups - 1, -1, -1):
        rest, part = np.divmod(rest, 10_000)
        d32[:, j] = _DIGITS4[part]
        trailing += np.where(all_zero, _TRAILING4[part], 0)
        all_zero &= part == 0
    padded = d32.view(np.uint8)[:, pad - 5 :]  # (n, significant + 5)
    last = significant - 1 - trailing

    # "00000ddd..." with the decimal point inserted before padded column p = 6 + k (k >= -4:
    # the integer part starts at column 5 + min(k, 0), after at least one zero)
    width = g_width(significant)
    if out is None:
        body = np.empty((n, width), np.uint8)
        keep = np.empty((n, width), np.bool_)
    else:
        body, keep = out
    m = significant + 5
    point = (6 + k).astype(np.int8)[:, None]
    cols = np.arange(width, dtype=np.int8)[None, :]
    body[:, :m] = padded
    body[:, m:] = ord("0")
    after = cols[:, 1 : m + 1] > point
    np.copyto(body[:, 1 : m + 1], padded, where=after)
    body[np.arange(n), point[:, 0].astype(np.intp)] = ord(".")
    positive_k = k >= 0
    frac_len = np.where(positive_k, np.maximum(0, last - k), -k - 1 + last + 1)
    neg = x < 0
    start = 5 + np.minimum(k, 0) - neg
    end = np.where(frac_len > 0, 6 + k + 1 + frac_len, 6 + k)
    end = np.where(fast, end, start)
    neg_rows = np.flatnonzero(neg & fast)
    body[neg_rows, start[neg_rows]] = ord("-")
    np.greater_equal(cols, start.astype(np.int8)[:, None], out=keep)
    keep &= cols < end.astype(np.int8)[:, None]
    text: Text = (body, keep)
    slow = ~fast & ~np.isnan(x)
    if slow.any():
        fmt = f"%.{significant}g"

        def one(v: float) -> str:
            if np.isinf(v):
                return "Inf" if v > 0 else "-Inf"
            return fmt % v

        text = _patch(text, np.flatnonzero(slow), [one(v) for v in x[slow].tolist()], out is None)
    return text


def format_g_few(values: np.ndarray, significant: int = 15) -> Text:
    """``format_g`` for a column with few distinct values (e.g. lengths to 0.1 cm): each
    distinct value is formatted once and the rows take their text by index."""
    x = np.asarray(values, dtype=np.float64) + 0.0
    uniq, inverse = np.unique(x, return_inverse=True)
    if len(uniq) * 4 > len(x):
        return format_g(x, significant)
    matrix, keep = format_g(uniq, significant)
    idx = inverse.reshape(-1)
    return matrix[idx], keep[idx]


def lookup_text(
    codes: np.ndarray, first: int, texts: list[str], missing: np.ndarray | None = None
) -> Text:
    """``texts[code - first]``; '' where ``missing``."""
    table_m, table_k = strings_matrix([*texts, ""])
    idx = codes - first
    if missing is not None:
        idx = np.where(missing, len(texts), idx)
    return table_m[idx], table_k[idx]


def format_hundredths(values: np.ndarray, text_of: Callable[[int], str]) -> Text:
    """Rounded z-scores: ``text_of(k)`` for k = rint(v * 100); '' for NaN, Inf/-Inf."""
    finite = np.isfinite(values)
    k = np.rint(np.where(finite, values, 0.0) * 100).astype(np.int64)
    if not len(k):
        return strings_matrix([])
    kmin, kmax = int(k.min()), int(k.max())
    if kmax - kmin > 2_000_000:  # absurd values: Python for all
        text = strings_matrix(
            [
                text_of(int(v)) if ok else ""
                for v, ok in zip(k.tolist(), finite.tolist(), strict=True)
            ]
        )
    else:
        text = lookup_text(k, kmin, [text_of(v) for v in range(kmin, kmax + 1)], ~finite)
    inf = np.isinf(values)
    if inf.any():
        patch = ["Inf" if v > 0 else "-Inf" for v in values[inf].tolist()]
        text = _patch(text, np.flatnonzero(inf), patch)
    return text


def join_lines(columns: list[Text | tuple[np.ndarray, int]]) -> bytes:
    """CSV lines: the columns' texts separated by "," and ended by a newline.

    A column is a ``Text`` or ``(float values, significant digits)`` (formatted by
    ``format_g``). The texts are laid side by side in a line canvas whose unused bytes are
    NUL; the lines are the canvas without its NUL bytes (``bytes.translate`` in C, much
    faster than a boolean-mask compaction). A text holding a NUL byte itself (a strange id)
    uses the mask compaction instead.
    """
    first = columns[0]
    n = len(first[0])
    texts: list[Text] = [format_g(c[0], c[1]) if isinstance(c[1], int) else c for c in columns]
    widths = [t[0].shape[1] for t in texts]
    total = sum(widths) + len(widths)
    canvas = np.empty((n, total), np.uint8)
    keep = np.empty((n, total), np.bool_)
    has_nul = False
    pos = 0
    for i, ((matrix, kept), width) in enumerate(zip(texts, widths, strict=True)):
        if not isinstance(columns[i][1], int):
            has_nul = has_nul or bool(((matrix == 0) & kept).any())
        canvas[:, pos : pos + width] = matrix
        keep[:, pos : pos + width] = kept
        pos += width
        canvas[:, pos] = ord(",") if i < len(columns) - 1 else ord("\n")
        keep[:, pos] = True
        pos += 1
    if has_nul:
        data: np.ndarray = canvas[keep]
        return data.tobytes()
    np.multiply(canvas, keep, out=canvas)
    return canvas.tobytes().translate(None, b"\x00")


def to_strings(text: Text) -> list[str]:
    """The texts as Python strings (for tests and small outputs)."""
    matrix, keep = text
    return [bytes(m[k]).decode() for m, k in zip(matrix, keep, strict=True)]
