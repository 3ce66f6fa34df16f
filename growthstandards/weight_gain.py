"""Naik / tidak naik: the monthly weight-gain check of the Posyandu (SKDN codes).

Per weighed child and month:
- ``B`` (baru): first weighing ever;
- ``O``: not weighed the previous calendar month, but weighed before;
- ``N`` (naik): weighed both months and the gain in whole grams >= KBM for the age;
- ``T`` (tidak naik): weighed both months and the gain < KBM.
``2T`` is a T following a T the month before. A referral is suggested on 2T or when the
(rounded) weight-for-age z-score is below -3 SD. The KBM table is versioned data
(``data/kbm.json``); the age is in completed months at the current weighing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

KBM_FILE = "kbm.json"
NOT_WEIGHED = ""  # status of a month without weighing
SEVERE_UNDERWEIGHT_Z = -3.0
REFERRAL_2T = "2T"
REFERRAL_SEVERE_UNDERWEIGHT = "bb_u_below_-3sd"
REFERRAL_LABELS = {
    REFERRAL_2T: ("Tidak naik dua kali berturut-turut (2T)", "No weight gain two months in a row"),
    REFERRAL_SEVERE_UNDERWEIGHT: ("BB/U di bawah -3 SD", "Weight-for-age below -3 SD"),
}


@cache
def _kbm_data() -> dict[str, Any]:
    text = resources.files("growthstandards.data").joinpath(KBM_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# The readings of the table are the file's `variants` (rule-file header of posyandu/core/rules.py;
# unverified readings are marked there and are never the default).
KBM_VERSIONS: tuple[str, ...] = tuple(_kbm_data()["variants"])
DEFAULT_KBM_VERSION: str = _kbm_data()["default_variant"]
MAX_KBM_AGE_MONTHS = 60


@cache
def kbm_array(version: str = DEFAULT_KBM_VERSION) -> np.ndarray:
    """KBM grams indexed by age in months 0..60 (age 0 takes the 1-month value)."""
    versions = _kbm_data()["variants"]
    if version not in versions:
        raise ValueError(f"unknown KBM version {version!r}; known: {', '.join(versions)}")
    table = np.zeros(MAX_KBM_AGE_MONTHS + 1, dtype=np.int64)
    for band in versions[version]["bands"]:
        table[band["from"] : band["to"] + 1] = band["grams"]
    table[0] = table[1]
    table.flags.writeable = False
    return table


def kbm_grams(age_months: int, version: str = DEFAULT_KBM_VERSION) -> int:
    """Minimum gain in grams this month for a child of ``age_months`` completed months."""
    if not 0 <= age_months <= MAX_KBM_AGE_MONTHS:
        raise ValueError(f"KBM is defined for ages 0-60 months, got {age_months!r}")
    return int(kbm_array(version)[int(age_months)])


def weight_gain_status(
    weight_kg: np.ndarray | float,
    previous_weight_kg: np.ndarray | float,
    age_months: np.ndarray | int,
    weighed_before: np.ndarray | bool,
    version: str = DEFAULT_KBM_VERSION,
) -> np.ndarray:
    """Status codes (array of "N", "T", "O", "B", or "" when not weighed this month).

    ``weight_kg``: this month's weight (NaN = not weighed); ``previous_weight_kg``: last
    calendar month's (NaN = not weighed); ``weighed_before``: any weighing before this
    month. N/T needs an age of 0-60 months; outside it the status is "" (undecidable).
    """
    now = np.atleast_1d(np.asarray(weight_kg, dtype=np.float64))
    prev = np.broadcast_to(np.asarray(previous_weight_kg, dtype=np.float64), now.shape)
    age = np.broadcast_to(np.asarray(age_months, dtype=np.float64), now.shape)
    before = np.broadcast_to(np.asarray(weighed_before, dtype=np.bool_), now.shape)

    weighed = ~np.isnan(now)
    both = weighed & ~np.isnan(prev)
    age_ok = (age >= 0) & (age <= MAX_KBM_AGE_MONTHS)
    kbm = kbm_array(version).take(np.where(age_ok, age, 0).astype(np.intp))
    # Whole grams: 7.8 - 7.0 is 0.7999999999999998 kg, which must count as 800 g.
    gain_g = np.rint((now - prev) * 1000)

    out = np.full(now.shape, NOT_WEIGHED, dtype="<U1")
    out[weighed & ~before] = "B"
    out[weighed & before & ~both] = "O"
    decided = both & age_ok
    out[decided & (gain_g >= kbm)] = "N"
    out[decided & (gain_g < kbm)] = "T"
    return out


def two_t(status: np.ndarray, previous_status: np.ndarray) -> np.ndarray:
    """True where this month is T and the month before was T (arrays of codes)."""
    both: np.ndarray = (np.asarray(status) == "T") & (np.asarray(previous_status) == "T")
    return both


def referral_reasons(is_2t: bool, zwei: float | None) -> list[str]:
    """Codes of the reasons to suggest a referral (see ``REFERRAL_LABELS``); empty if none."""
    reasons = []
    if is_2t:
        reasons.append(REFERRAL_2T)
    if zwei is not None and zwei < SEVERE_UNDERWEIGHT_Z:
        reasons.append(REFERRAL_SEVERE_UNDERWEIGHT)
    return reasons


def needs_referral(is_2t: np.ndarray, zwei: np.ndarray) -> np.ndarray:
    """Vectorized ``bool(referral_reasons(...))``; NaN z counts as no reason."""
    return np.asarray(is_2t, dtype=bool) | (
        np.asarray(zwei, dtype=np.float64) < SEVERE_UNDERWEIGHT_Z
    )


def series_status(
    weights_kg: Sequence[float | None],
    ages_months: Sequence[int],
    version: str = DEFAULT_KBM_VERSION,
) -> list[tuple[str, bool]]:
    """One child's consecutive calendar months -> ``(status, is_2t)`` per month.

    ``weights_kg[i]`` is the weight of month i (``None`` = not weighed), ``ages_months[i]``
    the age in completed months at that weighing.
    """
    if len(weights_kg) != len(ages_months):
        raise ValueError("weights_kg and ages_months must have the same length")
    if not weights_kg:
        return []
    now = np.array([np.nan if w is None else w for w in weights_kg], dtype=np.float64)
    if np.any(now <= 0):
        raise ValueError("weights must be > 0 kg")
    prev = np.concatenate(([np.nan], now[:-1]))
    weighed = ~np.isnan(now)
    before = np.concatenate(([False], np.cumsum(weighed)[:-1] > 0))
    status = weight_gain_status(now, prev, np.asarray(ages_months), before, version)
    prev_status = np.concatenate(([NOT_WEIGHED], status[:-1]))
    flags = two_t(status, prev_status)
    return list(zip(status.tolist(), flags.tolist(), strict=True))
