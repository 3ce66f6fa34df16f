"""LMS arithmetic exactly as the WHO software writes it.

The order of operations follows the WHO ``anthro`` R code (``((y / m)^l - 1) / (s * l)``,
``m * (1 + l * s * k)^(1 / l)``) so that results agree to the last bits, not just closely.
"""

from __future__ import annotations

from typing import overload

import numpy as np

__all__ = [
    "flag",
    "round_z",
    "sd_value",
    "z_plain",
    "z_plain_l1",
    "z_restricted",
]


def z_plain(y: np.ndarray, l: np.ndarray, m: np.ndarray, sl: np.ndarray) -> np.ndarray:  # noqa: E741
    """``((y / M)^L - 1) / (S*L)``; ``sl`` is the precomputed product ``S * L``."""
    z: np.ndarray = np.divide(y, m)
    np.power(z, l, out=z)
    z -= 1.0
    z /= sl
    return z


def z_plain_l1(y: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Plain z for tables with L = 1 (length, head circumference).

    ``x^1`` and ``S*1`` are exact in IEEE arithmetic, so skipping the power is bit-identical.
    """
    z: np.ndarray = np.divide(y, m)
    z -= 1.0
    z /= s
    return z


@overload
def sd_value(k: float, l: float, m: float, s: float) -> float: ...  # noqa: E741
@overload
def sd_value(
    k: float | np.ndarray,
    l: np.ndarray,  # noqa: E741
    m: np.ndarray,
    s: np.ndarray,
) -> np.ndarray: ...


def sd_value(
    k: float | np.ndarray,
    l: float | np.ndarray,  # noqa: E741
    m: float | np.ndarray,
    s: float | np.ndarray,
) -> float | np.ndarray:
    """Measurement at ``k`` SD: ``M * (1 + L*S*k)^(1/L)``, for one row (floats) or arrays."""
    out: float | np.ndarray = m * ((1 + l * s * k) ** (1 / l))
    return out


def z_restricted(
    y: np.ndarray,
    l: np.ndarray,  # noqa: E741
    m: np.ndarray,
    s: np.ndarray,
    sl: np.ndarray | None = None,
) -> np.ndarray:
    """WHO restricted z: beyond +/-3 SD the scale is the 2-3 SD distance, linearly.

    Only the rows beyond 3 SD (a few per thousand) pay for the four extra powers.
    """
    z = z_plain(y, l, m, s * l if sl is None else sl)
    beyond = np.flatnonzero(np.abs(z) > 3)  # NaN compares False
    if beyond.size:
        yb, lb, mb, sb, zb = y[beyond], l[beyond], m[beyond], s[beyond], z[beyond]
        hi = zb > 3
        if hi.any():
            sd3 = sd_value(3, lb[hi], mb[hi], sb[hi])
            sd23 = sd3 - sd_value(2, lb[hi], mb[hi], sb[hi])
            zb[hi] = 3 + (yb[hi] - sd3) / sd23
        lo = zb < -3
        if lo.any():
            sd3n = sd_value(-3, lb[lo], mb[lo], sb[lo])
            sd23n = sd_value(-2, lb[lo], mb[lo], sb[lo]) - sd3n
            zb[lo] = -3 + (yb[lo] - sd3n) / sd23n
        z[beyond] = zb
    return z


# Below this distance from a half-hundredth, z*100 may have rounded across the tie.
_TIE_WINDOW = 1e-6
_LARGE = 1e9


def round_z(z: np.ndarray) -> np.ndarray:
    """Round to 2 decimals with the semantics of Python's ``round(x, 2)``.

    ``rint(z*100)/100`` is correct except where ``z*100`` lies within rounding error of a
    tie (or is huge); those few values are redone with the built-in ``round``, which rounds
    the exact binary value half-to-even.
    """
    scaled = z * 100.0
    rounded = np.rint(scaled)
    dist = np.abs(scaled - rounded)
    dist -= 0.5
    np.abs(dist, out=dist)
    suspect = np.flatnonzero((dist < _TIE_WINDOW) | (np.abs(scaled) > _LARGE))
    rounded /= 100.0
    if suspect.size:
        rounded[suspect] = [round(float(v), 2) for v in z[suspect]]
    rounded += 0.0  # -0.0 -> 0.0, as R prints it
    return rounded


def flag(rounded_z: np.ndarray, low: float, high: float) -> np.ndarray:
    """1 if ``z < low`` or ``z > high``; 0 otherwise; -1 (NA) where z is NA.

    Always pass the rounded z: the WHO flags on the value it reports.
    """
    out = ((rounded_z < low) | (rounded_z > high)).view(np.int8)
    out[np.isnan(rounded_z)] = -1
    return out
