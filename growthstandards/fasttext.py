"""CSV text of the ``zscore`` file job, compiled with numba, byte-identical to ``batch``.

The batch command writes every value as R's ``write.csv`` does (see ``batch.py``); formatting
millions of floats one by one in Python is what made the file job slow. ``who2006_lines``
writes the lines of a chunk straight into a preallocated byte buffer (``nogil``: threads format
chunks in parallel), 256 rows at a time:

- the float columns first, column by column, in loops without data-dependent branches that
  LLVM vectorizes (4 values per AVX2 instruction): ``"%.15g" % v`` / ``"%.17g" % v`` exactly
  (Python's correctly rounded digits, ties to even) from the value times a power of ten as a
  double-double (Dekker's error-free product), the digits split off in double arithmetic,
  the ``%g`` layout (point, "0.000" prefix, sign) built in three 64-bit words with shifts
  and selects; the rounded z-scores likewise (``batch._hundredths_text``);
- then the lines, row by row: the id (copied from Arrow's string buffers, quoted as
  ``batch._csv_field`` does, or the row number), each field's words with unaligned 8-byte
  stores (a field may scribble past its end: the next one overwrites that), flags and codes.

Values the vectorized path leaves out (NaN is an empty field; 0, below 1e-4, from 1e6 up,
infinities, a digit count changed by rounding) go through ``_put_general``: exponent notation
(``d.ddde+XX``) and, where the power of ten is not an exact double, exact big-integer
arithmetic (``_exact_decimal``). ``-0.0`` is written ``0`` (``batch`` adds 0.0), infinities as
R's ``Inf``/``-Inf``.

numba compiles on first use and caches the machine code in ``__pycache__`` (``cache=True``): only
the first run after installing or changing this file compiles (about 10 s); later runs load it
(about 0.4 s, with numba's import 0.3 s).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

MAX_ROW_BYTES = 449  # a line without its id: 10 floats <= 25 bytes, 8 rounded z <= 22, codes
MAX_NUMBER_ID_BYTES = 19  # a row number
_SPLITTER = 134217729.0  # 2**27 + 1
_POW10 = np.array([10.0**i for i in range(23)])  # exact doubles
_POW10_INT = np.array([10**i for i in range(19)], dtype=np.int64)
_TWO_63 = 9223372036854775808.0

# Big integers of the exact path: _LIMBS limbs of 30 bits in int64 (a limb times a factor below
# 2**31 stays below 2**63); 1,260 bits hold m * 2**971 and m * 10**324 * 10.
_LIMB_BITS = 30
_LIMB_MASK = (1 << _LIMB_BITS) - 1
_LIMBS = 42

_CHAR_COMMA, _CHAR_QUOTE, _CHAR_MINUS, _CHAR_POINT, _CHAR_ZERO = 44, 34, 45, 46, 48
_CHAR_NEWLINE, _CHAR_RETURN = 10, 13
_ASCII_ZEROS = int.from_bytes(b"00000000", "little")  # added to digit values
_ZERO_POINT_ZEROS = int.from_bytes(b"0.000000", "little")
_INF = int.from_bytes(b"Inf", "little")
_LOW_BYTES = 0x0101010101010101
_HIGH_BITS = 0x8080808080808080 - (1 << 64)  # as an int64
# "," + the text of a code (index code + 1: codes -1, 0, 1, 2), NUL = nothing
_MEASURE_CHARS = np.array([0, 0, ord("l"), ord("h")], np.int64)
_FLAG_CHARS = np.array([0, ord("0"), ord("1"), 0], np.int64)
_SEX_CHARS = np.array([0, 0, ord("1"), ord("2")], np.int64)


def _int_pointer(builder: Any, address: Any, bits: int) -> Any:
    return builder.inttoptr(address, ir.IntType(bits).as_pointer())


@intrinsic
def _store8(typingctx: Any, address: Any, word: Any) -> Any:
    """8 bytes at ``address`` = ``word``, lowest byte first (one unaligned store)."""
    sig = types.void(types.int64, types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        value = args[1] if sys.byteorder == "little" else builder.bswap(args[1])
        builder.store(value, _int_pointer(builder, args[0], 64), align=1)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _store1(typingctx: Any, address: Any, byte: Any) -> Any:
    """The byte at ``address`` = ``byte`` (its low 8 bits)."""
    sig = types.void(types.int64, types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        value = builder.trunc(args[1], ir.IntType(8))
        builder.store(value, _int_pointer(builder, args[0], 8))
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _load8(typingctx: Any, address: Any) -> Any:
    """The 8 bytes at ``address`` as an int64, lowest byte first (one unaligned load)."""
    sig = types.int64(types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        value = builder.load(_int_pointer(builder, args[0], 64), align=1)
        return value if sys.byteorder == "little" else builder.bswap(value)

    return sig, codegen


@intrinsic
def _load1(typingctx: Any, address: Any) -> Any:
    """The byte at ``address``."""
    sig = types.int64(types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.zext(builder.load(_int_pointer(builder, args[0], 8)), ir.IntType(64))

    return sig, codegen


@intrinsic
def _address(typingctx: Any, array: Any) -> Any:
    """The address of a contiguous array's first element."""
    sig = types.int64(array)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        return builder.ptrtoint(data, ir.IntType(64))

    return sig, codegen


@njit(cache=True, nogil=True, inline="always")
def _two_product(a: float, b: float) -> tuple[float, float]:
    """(a * b rounded, the exact rest): Dekker's product (numba does not fuse it into FMAs)."""
    hi = a * b
    c = _SPLITTER * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLITTER * b
    bh = c - (c - b)
    bl = b - bh
    return hi, ((ah * bh - hi) + ah * bl + al * bh) + al * bl


@njit(cache=True, nogil=True, inline="always")
def _dekker_digits(a: float, s: int) -> int:
    """round_half_even(a * 10**s) exactly, for 0 <= s <= 22 and a * 10**s < 2**62."""
    hi, lo = _two_product(a, _POW10[s])
    r = np.rint(hi)
    aa = hi - r  # exact
    m = np.rint(aa + lo)
    if lo > (m + 0.5) - aa:  # rare: rint(aa + lo) rounded across a half
        m += 1.0
    elif lo < (m - 0.5) - aa:
        m -= 1.0
    n = np.int64(r) + np.int64(m)
    # an exact tie goes to the even neighbour (no branch: n is odd half the time)
    odd = n & 1
    return int(n + odd * (np.int64(lo == (m + 0.5) - aa) - np.int64(lo == (m - 0.5) - aa)))


@njit(cache=True, nogil=True)
def _big_mul_small(x: np.ndarray, factor: int) -> None:
    """x *= factor (factor < 2**31)."""
    carry = 0
    for i in range(_LIMBS):
        t = x[i] * factor + carry
        x[i] = t & _LIMB_MASK
        carry = t >> _LIMB_BITS


@njit(cache=True, nogil=True)
def _big_mul_pow10(x: np.ndarray, e: int) -> None:
    while e >= 9:
        _big_mul_small(x, 1_000_000_000)
        e -= 9
    if e > 0:
        _big_mul_small(x, _POW10_INT[e])


@njit(cache=True, nogil=True)
def _big_shift_left(x: np.ndarray, bits: int) -> None:
    limbs = bits // _LIMB_BITS
    rest = bits - limbs * _LIMB_BITS
    if limbs:
        for i in range(_LIMBS - 1, -1, -1):
            x[i] = x[i - limbs] if i >= limbs else 0
    if rest:
        carry = 0
        for i in range(_LIMBS):
            t = (x[i] << rest) | carry
            x[i] = t & _LIMB_MASK
            carry = t >> _LIMB_BITS


@njit(cache=True, nogil=True)
def _big_compare(x: np.ndarray, y: np.ndarray) -> int:
    for i in range(_LIMBS - 1, -1, -1):
        if x[i] != y[i]:
            return 1 if x[i] > y[i] else -1
    return 0


@njit(cache=True, nogil=True)
def _big_subtract(x: np.ndarray, y: np.ndarray) -> None:
    """x -= y (x >= y)."""
    borrow = 0
    for i in range(_LIMBS):
        t = x[i] - y[i] - borrow
        borrow = 1 if t < 0 else 0
        x[i] = t + (borrow << _LIMB_BITS)


@njit(cache=True, nogil=True)
def _exact_decimal(a: float, p: int) -> tuple[int, int]:
    """(d, k) with 10**(p-1) <= d < 10**p and d * 10**(k-p+1) = a rounded half-to-even to p
    significant digits, for any finite a > 0: long division of big integers (slow, rare)."""
    frac, e = math.frexp(a)
    mant = np.int64(frac * 9007199254740992.0)  # a = mant * 2**e2 exactly (2**53)
    e2 = e - 53
    num = np.zeros(_LIMBS, np.int64)
    den = np.zeros(_LIMBS, np.int64)
    num[0] = mant & _LIMB_MASK
    num[1] = mant >> _LIMB_BITS
    den[0] = 1
    if e2 >= 0:
        _big_shift_left(num, e2)
    else:
        _big_shift_left(den, -e2)
    k = int(math.floor(math.log10(a)))  # num / (den * 10**k) in [1, 10), fixed below
    if k >= 0:
        _big_mul_pow10(den, k)
    else:
        _big_mul_pow10(num, -k)
    ten_den = den.copy()
    _big_mul_small(ten_den, 10)
    while _big_compare(num, ten_den) >= 0:
        _big_mul_small(den, 10)
        _big_mul_small(ten_den, 10)
        k += 1
    while _big_compare(num, den) < 0:
        _big_mul_small(num, 10)
        k -= 1
    d = 0
    for i in range(p):
        digit = 0
        while _big_compare(num, den) >= 0:
            _big_subtract(num, den)
            digit += 1
        d = d * 10 + digit
        if i + 1 < p:
            _big_mul_small(num, 10)
    _big_shift_left(num, 1)  # the remainder against half the divisor
    c = _big_compare(num, den)
    if c > 0 or (c == 0 and d & 1):
        d += 1
        if d == _POW10_INT[p]:
            d = _POW10_INT[p - 1]
            k += 1
    return d, k


@njit(cache=True, nogil=True)
def _decimal(a: float, p: int) -> tuple[int, int]:
    """``_exact_decimal(a, p)``, by Dekker's product where the power of ten is exact."""
    k = int(math.floor(math.log10(a)))
    top = _POW10_INT[p]
    bottom = _POW10_INT[p - 1]
    for _ in range(4):  # log10 may be one off; rounding up may reach 10**p
        s = p - 1 - k
        if s < 0 or s > 22:
            break
        d = _dekker_digits(a, s)
        if d >= top:
            k += 1
        elif d < bottom or (d == bottom and _product_below(a, s, d)):
            k -= 1  # k one too large (the product rounded up to 10**(p-1))
        else:
            return d, k
    return _exact_decimal(a, p)


@njit(cache=True, nogil=True)
def _product_below(a: float, s: int, bound: float) -> bool:
    """Whether a * 10**s < bound exactly (0 <= s <= 22)."""
    hi, lo = _two_product(a, _POW10[s])
    return hi < bound or (hi == bound and lo < 0.0)


@njit(cache=True, nogil=True, inline="always")
def _digits8(v: int) -> int:
    """The 8 decimal digits of 0 <= v < 10**8 as the bytes of an int64, first digit in the
    lowest byte (digit values, not characters): two 4-digit, then four 2-digit halves per
    lane ("SIMD within a register"; checked for all 10**8 values when written, the tests
    check the boundaries and a sample)."""
    hi = (v * 109951163) >> 40  # v // 10_000
    x = hi | ((v - hi * 10_000) << 32)
    q = ((x * 10486) >> 20) & 0x0000007F0000007F  # // 100 in each 32-bit lane
    y = q | ((x - q * 100) << 16)
    t = ((y * 103) >> 10) & 0x000F000F000F000F  # // 10 in each 16-bit lane
    return t | ((y - t * 10) << 8)


@njit(cache=True, nogil=True, inline="always")
def _pow10(s: int) -> float:
    """10.0**s for 0 <= s <= 22 (exact), from its binary digits: selects, no table (a table
    lookup would stop LLVM from vectorizing the loop)."""
    r = 10.0 if s & 1 else 1.0
    r *= 100.0 if s & 2 else 1.0
    r *= 1e4 if s & 4 else 1.0
    r *= 1e8 if s & 8 else 1.0
    return r * (1e16 if s & 16 else 1.0)


@njit(cache=True, nogil=True, inline="always")
def _group4(g: float) -> tuple[int, float]:
    """A group of 4 digits (an exact double below 1e4): its characters as an int64, first
    character lowest, and its trailing zero digits (4 for 0.0) as a double. Doubles only:
    AVX2 has no 64-bit integer multiply, and the floor of a product plus 1e-9 is exact here."""
    d0 = np.floor(g * 1e-3 + 1e-9)
    r = g - d0 * 1000.0
    d1 = np.floor(r * 0.01 + 1e-9)
    r -= d1 * 100.0
    d2 = np.floor(r * 0.1 + 1e-9)
    d3 = r - d2 * 10.0
    chars = d0 + d1 * 256.0 + d2 * 65536.0 + d3 * 16777216.0 + 808464432.0  # + "0000"
    z3 = 1.0 if d3 == 0.0 else 0.0
    z2 = z3 if d2 == 0.0 else 0.0
    z1 = z2 if d1 == 0.0 else 0.0
    z0 = z1 if d0 == 0.0 else 0.0
    return int(np.int32(chars)), z3 + z2 + z1 + z0


@njit(cache=True, nogil=True)
def _float_column(values: np.ndarray, start: int, stop: int, p: int, words: np.ndarray) -> None:
    """``"%.{p}g" % v`` (p = 15 or 17) of ``values[start:stop]``: text i in ``words[0:3, i]``
    (24 bytes, first character lowest), its length in ``words[3, i]``: 0 for NaN, -1 where
    ``_put_general`` must write it (0, below 1e-4, from 1e6, or a digit count the rounding
    changed). No data-dependent branch, so that LLVM vectorizes the loop (4 values at a
    time with AVX2): per value, Dekker's product, the digits in double arithmetic, the
    layout (point or "0.000" prefix, sign) with shifts and selects."""
    top = _pow10(p)
    for i in range(start, stop):
        v = values[i]
        a = abs(v)
        nan = a != a
        fast = a >= 1e-4 and a < 1e6  # False for NaN
        a = a if fast else 1.5
        # decimal exponent k = floor(log10(a)): from the binary exponent, then one comparison
        e2 = np.float64(np.int32(((np.float64(a).view(np.int64) >> 52) & 0x7FF) - 1023))
        k = int(np.int32(np.floor(e2 * 0.30102999566398120)))
        scale = _pow10(p - 1 - k)
        big = a * scale >= top
        scale = scale / 10.0 if big else scale
        k += 1 if big else 0
        hi, lo = _two_product(a, scale)  # a * scale = hi + lo exactly
        # d = round_half_even(hi + lo) = high * 1e8 + low: t = hi - high * 1e8 is exact
        high = np.floor(hi * 1e-8)
        t = hi - high * 1e8
        r = np.rint(t)
        aa = t - r  # exact
        m = np.rint(aa + lo)
        m = m + 1.0 if lo > (m + 0.5) - aa else m
        m = m - 1.0 if lo < (m - 0.5) - aa else m
        low = r + m
        odd = low - 2.0 * np.floor(low * 0.5)  # a tie goes to the even neighbour
        up = 1.0 if lo == (m + 0.5) - aa else 0.0
        down = 1.0 if lo == (m - 0.5) - aa else 0.0
        low += odd * (up - down)
        high = high + 1.0 if low >= 1e8 else high
        low = low - 1e8 if low >= 1e8 else low
        high = high - 1.0 if low < 0.0 else high
        low = low + 1e8 if low < 0.0 else low
        # p digits, and k not one too large (the product below 10**(p-1), rounded up to it)
        bottom = _pow10(p - 1)
        ok = high >= _pow10(p - 9) and high < _pow10(p - 8)
        ok = ok and not (hi < bottom or (hi == bottom and lo < 0.0))
        # digits: p = 17: lead, 4 + 4, 4 + 4; p = 15: 3 + 4, 4 + 4 (as "0ddd dddd ...")
        lead = np.floor(high * 1e-8 + 1e-9)
        mid = high - lead * 1e8
        g1 = np.floor(mid * 1e-4 + 1e-9)
        l1 = np.floor(low * 1e-4 + 1e-9)
        c1, z1 = _group4(g1)
        c2, z2 = _group4(mid - g1 * 1e4)
        c3, z3 = _group4(l1)
        c4, z4 = _group4(low - l1 * 1e4)
        upper = c1 | (c2 << 32)
        lower = c3 | (c4 << 32)
        tz = z4 + (1.0 if z4 == 4.0 else 0.0) * (
            z3 + (1.0 if z3 == 4.0 else 0.0) * (z2 + (1.0 if z2 == 4.0 else 0.0) * z1)
        )
        nd = p - np.int64(np.int32(tz))  # significant digits without trailing zeros
        if p > 16:
            s0 = (np.int64(np.int32(lead)) + _CHAR_ZERO) | (upper << 8)
            s1 = (upper >> 56) | (lower << 8)
            s2 = lower >> 56
        else:
            s0 = (upper >> 8) | (lower << 56)
            s1 = lower >> 8
            s2 = np.int64(0)
        # k >= 0: the first k + 1 digits, the point (counted if a fraction follows), the rest
        whole = max(k, 0) + 1
        mask = (np.int64(1) << (8 * whole)) - 1
        w0 = (
            (s0 & mask)
            | (np.int64(_CHAR_POINT) << (8 * whole))
            | ((s0 << 8) & ~((mask << 8) | 0xFF))
        )
        w1 = (s0 >> 56) | (s1 << 8)
        w2 = (s1 >> 56) | (s2 << 8)
        length = whole + (nd - whole + 1 if nd > whole else 0)
        # k < 0: "0." and -k - 1 zeros, then the digits
        prefix = min(max(1 - k, 2), 5)
        shift = 8 * prefix
        x0 = (_ZERO_POINT_ZEROS & ((np.int64(1) << shift) - 1)) | (s0 << shift)
        x1 = (s0 >> (64 - shift)) | (s1 << shift)
        x2 = (s1 >> (64 - shift)) | (s2 << shift)
        w0 = w0 if k >= 0 else x0
        w1 = w1 if k >= 0 else x1
        w2 = w2 if k >= 0 else x2
        length = length if k >= 0 else prefix + nd
        neg = v < 0
        words[0, i - start] = ((w0 << 8) | _CHAR_MINUS) if neg else w0
        words[1, i - start] = ((w1 << 8) | (w0 >> 56)) if neg else w1
        words[2, i - start] = ((w2 << 8) | (w1 >> 56)) if neg else w2
        length += 1 if neg else 0
        words[3, i - start] = 0 if nan else (length if fast and ok else -1)


@njit(cache=True, nogil=True, inline="always")
def _put_words(pos: int, words: np.ndarray, i: int, x: float, p: int) -> int:
    """A comma, then the text of ``_float_column`` (``words[:, i]``) or ``_put_general``'s."""
    _store1(pos, _CHAR_COMMA)
    length = words[3, i]
    if length < 0:
        return _put_general(pos + 1, x, p)
    _store8(pos + 1, words[0, i])
    _store8(pos + 9, words[1, i])
    _store8(pos + 17, words[2, i])
    return pos + 1 + length


@njit(cache=True, nogil=True)
def _put_general(pos: int, x: float, p: int) -> int:
    """``"%.{p}g" % (x + 0.0)`` (Inf, -Inf, nothing for NaN) for any x: the slow path."""
    if x != x:
        return pos
    if x < 0:
        _store1(pos, _CHAR_MINUS)
        pos += 1
        x = -x
    if x == np.inf:
        _store8(pos, _INF)
        return pos + 3
    if x == 0.0:  # -0.0 included: its sign was not written (x < 0 is False)
        _store1(pos, _CHAR_ZERO)
        return pos + 1
    d, k = _decimal(x, p)
    digits = np.zeros(p + 8, np.uint8)
    nd = 0
    for i in range(p - 1, -1, -1):  # the digits, trailing zeros dropped
        digit = d % 10
        d //= 10
        if nd == 0 and digit == 0:
            continue
        if nd == 0:
            nd = i + 1
        digits[i] = _CHAR_ZERO + digit
    if -4 <= k < 0:  # 0.000ddd
        _store1(pos, _CHAR_ZERO)
        _store1(pos + 1, _CHAR_POINT)
        pos += 2
        for _ in range(-k - 1):
            _store1(pos, _CHAR_ZERO)
            pos += 1
        for i in range(nd):
            _store1(pos, digits[i])
            pos += 1
        return pos
    if 0 <= k < p:  # fixed notation
        for i in range(max(nd, k + 1)):
            if i == k + 1:
                _store1(pos, _CHAR_POINT)
                pos += 1
            _store1(pos, digits[i] if i < nd else _CHAR_ZERO)
            pos += 1
        return pos
    _store1(pos, digits[0])  # exponent notation: d.ddde+XX (at least 2 exponent digits)
    pos += 1
    if nd > 1:
        _store1(pos, _CHAR_POINT)
        pos += 1
        for i in range(1, nd):
            _store1(pos, digits[i])
            pos += 1
    _store1(pos, 101)  # "e"
    _store1(pos + 1, 43 if k >= 0 else _CHAR_MINUS)  # "+" / "-"
    e = abs(k)
    if e >= 100:
        _store1(pos + 2, _CHAR_ZERO + e // 100)
        pos += 1
    _store1(pos + 2, _CHAR_ZERO + (e // 10) % 10)
    _store1(pos + 3, _CHAR_ZERO + e % 10)
    return pos + 4


@njit(cache=True, nogil=True)
def _put_integer(pos: int, v: int) -> int:
    """The decimal digits of 0 <= v < 2**63 at ``pos`` (8-byte stores: up to 7 bytes after
    the digits are overwritten)."""
    n = 1
    while n < 19 and v >= _POW10_INT[n]:
        n += 1
    end = pos + n
    if n > 16:
        top = v // 10**16
        _store8(pos, (_digits8(top) + _ASCII_ZEROS) >> (8 * (24 - n)))
        v -= top * 10**16
        n = 16
    if n > 8:
        high = v // 10**8
        _store8(end - n, (_digits8(high) + _ASCII_ZEROS) >> (8 * (16 - n)))
        v -= high * 10**8
        n = 8
    _store8(end - n, (_digits8(v) + _ASCII_ZEROS) >> (8 * (8 - n)))
    return end


@njit(cache=True, nogil=True)
def _put_hundredths_general(pos: int, v: float) -> int:
    """``_put_hundredths`` without the comma for any v (the slow path)."""
    if v != v:
        return pos
    if v == np.inf or v == -np.inf:
        if v < 0:
            _store1(pos, _CHAR_MINUS)
            pos += 1
        _store8(pos, _INF)
        return pos + 3
    t = np.rint(v * 100.0)
    if -_TWO_63 <= t < _TWO_63:
        k = int(t)
        if k < 0:
            _store1(pos, _CHAR_MINUS)
            pos += 1
            k = -k
        whole = k // 100
        rest = k - whole * 100
    else:  # numpy's cast gives INT64_MIN: |INT64_MIN| = 92233720368547758.08 hundredths
        _store1(pos, _CHAR_MINUS)
        pos += 1
        whole = 92233720368547758
        rest = 8
    pos = _put_integer(pos, whole)
    if rest:
        _store1(pos, _CHAR_POINT)
        _store1(pos + 1, _CHAR_ZERO + rest // 10)
        pos += 2
        if rest % 10:
            _store1(pos, _CHAR_ZERO + rest % 10)
            pos += 1
    return pos


@njit(cache=True, nogil=True)
def _hundredths_column(values: np.ndarray, start: int, stop: int, words: np.ndarray) -> None:
    """``batch._hundredths_text(k)`` for k = int64(rint(v * 100)) of ``values[start:stop]``:
    text i in ``words[0, i]``, its length in ``words[1, i]`` (0 for NaN, -1 where
    ``_put_hundredths_general`` must write it: |v| >= 9.995, infinities). Vectorized like
    ``_float_column``."""
    for i in range(start, stop):
        v = values[i]
        a = abs(v)
        fast = a < 9.995  # False for NaN
        k = np.rint((a if fast else 0.0) * 100.0)  # rint is symmetric: |rint(v * 100)|
        whole = np.floor(k * 0.01 + 1e-9)
        rest = k - whole * 100.0
        tens = np.floor(rest * 0.1 + 1e-9)
        ones = rest - tens * 10.0
        text = np.int64(np.int32(whole + 11824.0 + tens * 65536.0 + ones * 16777216.0))
        text += 808452096  # "0" at bytes 2 and 3 ("0" and "." at bytes 0-1 above: 11824)
        length = 1 + (2 + (1 if ones != 0.0 else 0) if rest != 0.0 else 0)
        neg = v < 0 and k != 0.0  # -0.001 gives k = 0: "0"
        words[0, i - start] = ((text << 8) | _CHAR_MINUS) if neg else text
        length += 1 if neg else 0
        words[1, i - start] = (length if fast else -1) if a == a else 0


@njit(cache=True, nogil=True, inline="always")
def _put_hundredths(pos: int, words: np.ndarray, i: int, v: float) -> int:
    """A comma, then the text of ``_hundredths_column`` (``words[:, i]``) or the general
    path's."""
    _store1(pos, _CHAR_COMMA)
    length = words[1, i]
    if length < 0:
        return _put_hundredths_general(pos + 1, v)
    _store8(pos + 1, words[0, i])
    return pos + 1 + length


@njit(cache=True, nogil=True, inline="always")
def _put_code(pos: int, char: int) -> int:
    """A comma, then the character ``char`` (0: none)."""
    _store1(pos, _CHAR_COMMA)
    _store1(pos + 1, char)
    return pos + 1 + int(char != 0)


@njit(cache=True, nogil=True, inline="always")
def _has_byte(word: int, char: int) -> int:
    """Non-zero if a byte of ``word`` equals ``char`` (the classic zero-byte test)."""
    x = word ^ (_LOW_BYTES * char)
    return (x - _LOW_BYTES) & ~x & _HIGH_BITS


@njit(cache=True, nogil=True, inline="always")
def _put_id(pos: int, data: int, data_end: int, start: int, stop: int) -> int:
    """The id's bytes (``data + start`` to ``data + stop``), quoted (inner quotes doubled) when
    it holds , " CR or LF; ``data_end`` = the end of the readable buffer."""
    length = stop - start
    if length <= 8 and data + start + 8 <= data_end:  # one word, the bytes after it masked
        word = _load8(data + start) & ((np.int64(1) << (8 * length)) - 1 if length < 8 else -1)
        special = (
            _has_byte(word, _CHAR_COMMA)
            | _has_byte(word, _CHAR_QUOTE)
            | _has_byte(word, _CHAR_NEWLINE)
            | _has_byte(word, _CHAR_RETURN)
        )
        if special == 0:
            _store8(pos, word)
            return pos + length
    return _put_id_general(pos, data, start, stop)


@njit(cache=True, nogil=True)
def _put_id_general(pos: int, data: int, start: int, stop: int) -> int:
    quote = False
    for j in range(start, stop):
        c = _load1(data + j)
        if c in (_CHAR_COMMA, _CHAR_QUOTE, _CHAR_NEWLINE, _CHAR_RETURN):
            quote = True
            break
    if quote:
        _store1(pos, _CHAR_QUOTE)
        pos += 1
    for j in range(start, stop):
        c = _load1(data + j)
        _store1(pos, c)
        pos += 1
        if c == _CHAR_QUOTE:
            _store1(pos, c)
            pos += 1
    if quote:
        _store1(pos, _CHAR_QUOTE)
        pos += 1
    return pos


WHO2006_FLOATS = 10  # clenhei, cbmi, the 8 unrounded z
WHO2006_CODES = 11  # cmeasure, c9mo_flag, csex, the 8 flags
_BLOCK_ROWS = 256  # rows whose float texts are made column by column (in the L2 cache)


@njit(cache=True, nogil=True)
def who2006_lines(
    out: np.ndarray,
    id_offsets: np.ndarray,
    id_data: np.ndarray,
    first_id: int,
    floats: np.ndarray,
    rounded: np.ndarray,
    codes: np.ndarray,
) -> int:
    """The CSV lines of ``batch._who2006_chunk`` into ``out`` (see ``output_bytes``); returns
    the bytes written. Use ``who2006_text``, which checks the arguments.

    Ids: row ``i`` is ``id_data[id_offsets[i]:id_offsets[i + 1]]`` (an Arrow string array's
    buffers), or the row number ``first_id + i`` when ``id_offsets`` is empty. ``floats``
    (``WHO2006_FLOATS``, n): clenhei, cbmi, z unrounded; ``rounded`` (8, n): the rounded z;
    ``codes`` (``WHO2006_CODES``, n) int8: cmeasure, c9mo_flag, csex, the flags. The field
    loop has one call site per kind, so numba inlines each formatter once.
    """
    n = floats.shape[1]
    with_ids = len(id_offsets) > 0
    # raw addresses: array arguments of the inlined helpers would cost an atomic reference
    # count increment and decrement per call
    begin = _address(out)
    data = _address(id_data)
    data_end = data + len(id_data)
    pos = begin
    words = np.empty((WHO2006_FLOATS, 4, _BLOCK_ROWS), np.int64)
    hundredths = np.empty((8, 2, _BLOCK_ROWS), np.int64)
    for block in range(0, n, _BLOCK_ROWS):
        stop = min(block + _BLOCK_ROWS, n)
        for j in range(WHO2006_FLOATS):  # the float columns' texts, vectorized
            _float_column(floats[j], block, stop, 15 if j < 2 else 17, words[j])
        for j in range(8):
            _hundredths_column(rounded[j], block, stop, hundredths[j])
        for i in range(block, stop):
            r = i - block
            if with_ids:
                pos = _put_id(pos, data, data_end, id_offsets[i], id_offsets[i + 1])
            else:
                pos = _put_integer(pos, first_id + i)
            pos = _put_words(pos, words[0], r, floats[0, i], 15)  # clenhei
            pos = _put_code(pos, _MEASURE_CHARS[min(max(codes[0, i] + 1, 0), 3)])
            pos = _put_code(pos, _FLAG_CHARS[min(max(codes[1, i] + 1, 0), 3)])
            pos = _put_words(pos, words[1], r, floats[1, i], 15)  # cbmi
            pos = _put_code(pos, _SEX_CHARS[min(max(codes[2, i] + 1, 0), 3)])
            for j in range(8):
                pos = _put_hundredths(pos, hundredths[j], r, rounded[j, i])
                pos = _put_code(pos, _FLAG_CHARS[min(max(codes[3 + j, i] + 1, 0), 3)])
            for j in range(2, WHO2006_FLOATS):
                pos = _put_words(pos, words[j], r, floats[j, i], 17)
            _store1(pos, _CHAR_NEWLINE)
            pos += 1
    return pos - begin


def output_bytes(rows: int, id_bytes: int | None) -> int:
    """Size of an ``out`` that holds the lines of ``rows`` rows: ``id_bytes`` = the bytes of
    their ids (None: row numbers); quoting at most doubles an id and adds 2 quotes."""
    ids = MAX_NUMBER_ID_BYTES * rows if id_bytes is None else 2 * id_bytes + 2 * rows
    return (MAX_ROW_BYTES + 1) * rows + ids + 16  # 16: the 8-byte stores run past the end


_NO_OFFSETS = np.zeros(0, np.int32)
_NO_DATA = np.zeros(0, np.uint8)


def who2006_text(
    out: np.ndarray,
    ids: tuple[np.ndarray, np.ndarray] | None,
    first_id: int,
    floats: np.ndarray,
    rounded: np.ndarray,
    codes: np.ndarray,
) -> int:
    """``who2006_lines`` with its arguments checked (a wrong dtype would compile another
    version, a wrong size write out of bounds); ``ids`` = (offsets, data) or None."""
    n = floats.shape[1] if floats.ndim == 2 else -1
    offsets, data = ids if ids is not None else (_NO_OFFSETS, _NO_DATA)
    if (
        floats.shape != (WHO2006_FLOATS, n)
        or rounded.shape != (8, n)
        or codes.shape != (WHO2006_CODES, n)
        or (ids is not None and len(offsets) != n + 1)
        or out.dtype != np.uint8
    ):
        raise ValueError("who2006_text: arrays of mismatched shapes or types")
    id_bytes = None if ids is None else int(offsets[-1] - offsets[0])
    if len(out) < output_bytes(n, id_bytes) or (
        ids is not None and n and (offsets[0] < 0 or offsets[-1] > len(data))
    ):
        raise ValueError("who2006_text: output buffer too small or ids out of range")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError("who2006_text: the output must be a writable contiguous array")
    return int(
        who2006_lines(
            out,
            _read_only(np.ascontiguousarray(offsets, dtype=np.int32)),
            _read_only(np.ascontiguousarray(data, dtype=np.uint8)),
            first_id,
            np.ascontiguousarray(floats, dtype=np.float64),
            np.ascontiguousarray(rounded, dtype=np.float64),
            np.ascontiguousarray(codes, dtype=np.int8),
        )
    )


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view: Arrow's buffers are read-only, and numba compiles one version per
    flag, so every call passes read-only ids."""
    view = array.view()
    view.flags.writeable = False
    return view


def float_texts(values: Any, significant: int) -> list[str]:
    """``batch.format_values(values, significant)`` for 15 or 17 digits, through the
    compiled line writer (for tests)."""
    if significant not in (15, 17):
        raise ValueError("the file job writes 15 or 17 significant digits")
    return _field_texts(np.asarray(values, dtype=np.float64), 0 if significant == 15 else 21)


def hundredths_texts(values: Any) -> list[str]:
    """``batch.format_rounded(values)`` through the compiled line writer (for tests)."""
    return _field_texts(np.asarray(values, dtype=np.float64), 5)


def _field_texts(values: np.ndarray, field: int) -> list[str]:
    n = len(values)
    floats = np.full((WHO2006_FLOATS, n), np.nan)
    rounded = np.full((8, n), np.nan)
    if field == 5:
        rounded[0] = values
    else:
        floats[0 if field == 0 else 2] = values
    codes = np.zeros((WHO2006_CODES, n), np.int8)
    out = np.empty(output_bytes(n, None), np.uint8)
    end = who2006_text(out, None, 1, floats, rounded, codes)
    lines = out[:end].tobytes().decode().split("\n")[:-1]
    return [line.split(",")[1 + field] for line in lines]


def warm_up() -> None:
    """Load (or compile) the line writer now; numba does it on the first call otherwise."""
    float_texts([0.5], 17)
