"""Cleaning of raw inputs into the numeric codes the engines work on.

Codes: sex 1 = male, 2 = female, 0 = missing/unknown; measure 1 = "l" (recumbent),
2 = "h" (standing), 0 = unknown; oedema is a bool array. Numbers become float64 with NaN
for missing. The accepted spellings are those of the WHO ``anthro`` package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

SEX_MALE, SEX_FEMALE, SEX_MISSING = 1, 2, 0
MEASURE_UNKNOWN, MEASURE_LENGTH, MEASURE_HEIGHT = 0, 1, 2
MEASURE_LETTERS = {MEASURE_LENGTH: "l", MEASURE_HEIGHT: "h"}

_SEX_TEXT = {"1": SEX_MALE, "m": SEX_MALE, "2": SEX_FEMALE, "f": SEX_FEMALE}
_MEASURE_TEXT = {"l": MEASURE_LENGTH, "h": MEASURE_HEIGHT}
_OEDEMA_TEXT = {"y": True, "1": True}

ArrayLike = Sequence[Any] | np.ndarray


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return ""
        # 1.0 -> "1" so numbers read from a float column still match "1"/"2".
        if float(value).is_integer():
            return str(int(value))
    text = str(value).strip().lower()
    if text[:1].isdigit() and "." in text:  # "1.0" read from a float column -> "1"
        try:
            number = float(text)
        except ValueError:
            return text
        if number.is_integer():
            return str(int(number))
    return text


def unique_inverse(values: ArrayLike) -> tuple[list[Any], np.ndarray] | None:
    """Distinct values (as Python objects, sorted) and the index of each value among them, for
    a numpy array of text or numbers or a list of str; None for other inputs (mixed lists)."""
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or values.dtype.kind not in "USiufb":
            return None
        arr = values
    elif all(type(v) is str for v in values):
        arr = np.asarray(values, dtype=str) if len(values) else np.array([], dtype=str)
    else:
        return None
    uniq, inverse = np.unique(arr, return_inverse=True)
    return uniq.tolist(), inverse.reshape(-1)


def _codes(values: ArrayLike, mapping: dict[str, Any], default: Any, dtype: Any) -> np.ndarray:
    found = unique_inverse(values)
    if found is not None:  # once per distinct value, then a gather
        uniq, inverse = found
        table = np.array([mapping.get(_text(u), default) for u in uniq], dtype=dtype)
        coded: np.ndarray = table[inverse]
        return coded
    memo: dict[Any, Any] = {}

    def code(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            result = memo[value] = mapping.get(_text(value), default)
            return result
        except TypeError:  # unhashable: don't memoize
            return mapping.get(_text(value), default)

    return np.fromiter(map(code, values), dtype=dtype, count=len(values))


def sex_codes(values: ArrayLike) -> np.ndarray:
    """1/"m"/"M" -> 1, 2/"f"/"F" -> 2, anything else -> 0 (missing)."""
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind in "iuf":
        out = np.zeros(arr.shape, dtype=np.int8)
        out[arr == 1] = SEX_MALE
        out[arr == 2] = SEX_FEMALE
        return out
    return _codes(values, _SEX_TEXT, SEX_MISSING, np.int8)


def require_sex(sex: Any) -> None:
    """For one child: ``ValueError`` unless ``sex`` is a known spelling."""
    if sex_codes([sex])[0] == SEX_MISSING:
        raise ValueError(f"sex must be 1/'m' (male) or 2/'f' (female), got {sex!r}")


def measure_codes(values: ArrayLike) -> np.ndarray:
    """Measure codes: "l"/"L" -> 1, "h"/"H" -> 2, else 0.

    Integer arrays are taken as codes already.
    """
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind in "iu":
        out = arr.astype(np.int8)
        out[(out != MEASURE_LENGTH) & (out != MEASURE_HEIGHT)] = MEASURE_UNKNOWN
        return out
    return _codes(values, _MEASURE_TEXT, MEASURE_UNKNOWN, np.int8)


def oedema_flags(values: ArrayLike) -> np.ndarray:
    """Oedema: "y"/"Y"/"1"/1/True -> True; "n"/"N"/"2", missing or anything else -> False."""
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind == "b":
        return arr.copy()
    if arr.dtype.kind in "iuf":
        one: np.ndarray = arr == 1
        return one
    return _codes(values, _OEDEMA_TEXT, False, np.bool_)


def float_array(values: ArrayLike | None, n: int) -> np.ndarray:
    """Float64 copy; None, "" and unparsable text become NaN. ``None`` means all missing."""
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        return values.astype(np.float64)
    try:  # fast path for clean CSV text: numbers and blanks
        return np.fromiter(
            (np.nan if v is None or v == "" else float(v) for v in values),
            dtype=np.float64,
            count=len(values),
        )
    except (TypeError, ValueError):
        return np.fromiter(map(_to_float, values), dtype=np.float64, count=len(values))


def _to_float(value: Any) -> float:
    if value is None or value == "":
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def reject_nonpositive(values: np.ndarray) -> np.ndarray:
    """Mark values <= 0 or infinite as invalid (in place -> NaN); return the invalid mask."""
    bad: np.ndarray = (values <= 0) | np.isinf(values)
    values[bad] = np.nan
    return bad


def text_column(codes: np.ndarray, letters: dict[int, str]) -> list[str]:
    """Codes back to text ('' for unknown), for CSV output."""
    lookup: Callable[[int], str] = lambda c: letters.get(c, "")  # noqa: E731
    return [lookup(c) for c in codes.tolist()]


def optional_float(value: Any) -> float | None:
    """A result cell as a plain float, None for NA."""
    v = float(value)
    return None if np.isnan(v) else v


class CheckedOnce:
    """The per-child checks of the ``zscores_one`` functions, once per distinct value (a
    column of thousands of children holds a few distinct sexes, measures and oedema codes)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, type, Any], Any] = {}

    def _once(self, kind: str, value: Any, check: Any) -> Any:
        try:
            key = (kind, type(value), value)
            if key in self.seen:
                return self.seen[key]
        except TypeError:  # unhashable: check every time
            return check(value)
        self.seen[key] = result = check(value)
        return result

    def sex(self, value: Any) -> None:
        self._once("sex", value, require_sex)

    def measure(self, value: Any) -> None:
        self._once("measure", value, _require_measure)

    def oedema(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        return bool(self._once("oedema", value, lambda v: oedema_flags([v])[0]))


def _require_measure(measure: Any) -> None:
    if measure_codes([measure])[0] == 0:
        raise ValueError(f"measure must be 'l' (lying) or 'h' (standing), got {measure!r}")
