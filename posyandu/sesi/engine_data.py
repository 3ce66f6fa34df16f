"""The data of the device growth engine (static/sesi/engine/engine.js): the WHO LMS tables and
the rule data the instant result needs, as compact JSON built from `growthstandards/data` and
the rule files when first asked for (cached in the process; never a second copy in the repo).

Each document carries a `version` (a hash of its content) so a service worker can cache it and
notice a change. The values are the very floats the Python engine computes with (JSON writes
the shortest text that reads back as the same double), so the device computes bit for bit the
same arithmetic.
"""

import hashlib
import json
import math
from functools import cache
from typing import Any

import numpy as np
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

import growthstandards as gs
from growthstandards import tables, weight_gain, who2006, who2007
from posyandu.core.rules import load_rule
from posyandu.rujukan.rules import LABELS as REFERRAL_LABELS
from posyandu.sasaran.life_stage import BALITA, months_label
from posyandu.sesi import danger, growth, limits, plausibility

FORMAT = 1
# Tables the Posyandu needs (z-scores stored on a measurement); the skinfolds only with `semua`.
WHO2006_AGE_TABLES = ("wfa", "lhfa", "bfa", "hcfa", "acfa")
SKINFOLD_TABLES = ("tsfa", "ssfa")
WHO2006_INDICATOR_TABLE = {
    "wei": "wfa",
    "len": "lhfa",
    "bmi": "bfa",
    "hc": "hcfa",
    "ac": "acfa",
    "ts": "tsfa",
    "ss": "ssfa",
}
LANGUAGES = ("id", "en")


MAX_DECIMALS = 9


def _column(values: np.ndarray) -> dict[str, Any] | list[float | None]:
    """A column of LMS values, compact: {"k": decimals, "d": [first, differences...]} in
    units of 10^-k. Reading back (running sum, then one division by 10^k) gives exactly the
    same doubles: the integer and 10^k are exact, and the division rounds correctly to the
    double nearest the decimal the table holds, as parsing its text does (checked here).
    A column with a missing value is a plain list (null = missing)."""
    floats = values.tolist()
    if any(math.isnan(v) for v in floats):
        return [None if math.isnan(v) else v for v in floats]
    for k in range(MAX_DECIMALS + 1):
        scale = 10**k
        ints = [round(v * scale) for v in floats]
        if all(i / scale == v for i, v in zip(ints, floats, strict=True)):
            deltas = [ints[0]] + [b - a for a, b in zip(ints, ints[1:], strict=False)]
            return {"k": k, "d": deltas}
    return floats


def _table(name: str) -> dict[str, Any]:
    """One LMS table for both sexes, trimmed to the keys that hold values: {key, scale,
    first, n, restricted, l, m, s}; l/m/s are [male, female] columns (see `_column`), or
    `l` is the number 1 when every L is 1 (length and head circumference: no restriction)."""
    t = tables.load_table(name)
    n = t.n_keys
    present = ~np.isnan(t.m[: 2 * n].reshape(2, n)).all(axis=0)
    keys = np.flatnonzero(present)
    lo, hi = int(keys[0]), int(keys[-1]) + 1
    cols: dict[str, Any] = {}
    for col in ("l", "m", "s"):
        arr = getattr(t, col)
        cols[col] = [_column(arr[sex * n + lo : sex * n + hi]) for sex in (0, 1)]
    if t.l_is_one:
        cols["l"] = 1
    return {
        "key": t.key_column,
        "scale": t.key_scale,
        "first": t.key_first + lo,
        "n": hi - lo,
        # WHO anthro restricts z beyond +/-3 SD except where L = 1 (length, head)
        "restricted": not t.l_is_one,
        **cols,
    }


def _version(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _document(body: dict[str, Any]) -> tuple[bytes, str]:
    version = _version(body)
    doc = {"format": FORMAT, "version": version, **body}
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode(), version


def tables_body(everything: bool = False) -> dict[str, Any]:
    """The WHO tables: 2006 by age in days, weight-for-length/height by mm, 2007 by month."""
    age_tables = WHO2006_AGE_TABLES + (SKINFOLD_TABLES if everything else ())
    return {
        "kind": "who-lms",
        "engine_version": gs.ENGINE_VERSION,
        "sources": gs.TABLE_VERSIONS,
        "who2006": {
            "days_per_month": who2006.DAYS_PER_MONTH,
            "age_limit_months": who2006.AGE_LIMIT_MONTHS,
            "first_height_day": who2006.FIRST_HEIGHT_DAY,
            "standing_min_months": who2006.STANDING_MIN_MONTHS,
            "lenhei_adjust_cm": who2006.LENHEI_ADJUST_CM,
            "wfl_table_switch_cm": who2006.WFL_TABLE_SWITCH_CM,
            "flag_limits": who2006.FLAG_LIMITS,
            "indicator_table": {
                k: v for k, v in WHO2006_INDICATOR_TABLE.items() if v in age_tables
            },
            "tables": {name: _table(name) for name in (*age_tables, "wfl", "wfh")},
        },
        "who2007": {
            "first_month": who2007.FIRST_MONTH,
            "last_month": who2007.LAST_MONTH,
            "flag_limits": who2007.FLAG_LIMITS,
            "indicator_table": who2007.TABLES,
            "tables": {name: _table(name) for name in who2007.TABLES.values()},
        },
    }


def _labels(make: Any) -> dict[str, str]:
    out = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            out[lang] = str(make())
    return out


def rules_body() -> dict[str, Any]:
    """The rule data and constants of `sesi.growth.measurement_evaluate`, with the labels the
    result card shows."""
    rujukan = load_rule("rujukan", "rujukan").data
    kbm = weight_gain._kbm_data()
    return {
        "kind": "growth-rules",
        "mesin_versi": growth.engine_version(),
        "max_engine_age_months": growth.MAX_ENGINE_AGE_MONTHS,
        "max_kbm_age_months": growth.MAX_KBM_AGE_MONTHS,
        "balita_months": [BALITA.low, BALITA.high],
        "indices_0_5": growth.INDICES_0_5,
        "indices_5_18": growth.INDICES_5_18,
        "who2007_keys": growth.WHO2007_KEYS,
        "z_fields": list(growth.Z_FIELDS),
        "who_flags": list(plausibility.WHO_FLAGS),
        "flag_index": plausibility.FLAG_INDEX,
        "standing_to_lying_cm": plausibility.STANDING_TO_LYING_CM,
        "gizi_buruk": growth.GIZI_BURUK,
        "cara_ukur_who": growth.WHO_MEASURE,
        "permenkes": gs.classification_table(),
        "kbm": {
            "stamp": f"{kbm['id']}@{kbm['version']}",
            "variant": gs.DEFAULT_KBM_VERSION,
            "grams": gs.kbm_array().tolist(),
        },
        "weight_gain": {
            "severe_underweight_z": weight_gain.SEVERE_UNDERWEIGHT_Z,
            "referral_2t": weight_gain.REFERRAL_2T,
            "referral_severe_underweight": weight_gain.REFERRAL_SEVERE_UNDERWEIGHT,
        },
        "plausibility": plausibility.rules(),
        "plausibility_stamp": plausibility.rules_version(),
        "tanda_bahaya": danger.rules(),
        "tanda_bahaya_stamp": danger.version(),
        "tanda_bahaya_referral": danger.REFERRAL_CODE,
        "batas_mutlak": limits.rules(),
        "rujukan": {
            "stamp": f"{rujukan['id']}@{rujukan['version']}",
            "labels": {code: _labels(lambda lbl=lbl: lbl) for code, lbl in REFERRAL_LABELS.items()},
            "ke_puskesmas": rujukan["tujuan"]["ke_puskesmas"],
        },
        # months_label: "%(n)d months" / "%(n)d years" in each language, {n} in place of %(n)d
        "months_label": {
            lang: {
                "months": _labels(lambda: months_label(7))[lang].replace("7", "{n}", 1),
                "years": _labels(lambda: months_label(84))[lang].replace("7", "{n}", 1),
            }
            for lang in LANGUAGES
        },
    }


@cache
def tables_document(everything: bool = False) -> tuple[bytes, str]:
    """(JSON bytes, version) of the WHO tables, built once per process."""
    return _document(tables_body(everything))


@cache
def rules_document() -> tuple[bytes, str]:
    """(JSON bytes, version) of the rule data, built once per process."""
    return _document(rules_body())


def engine_manifest() -> dict[str, str]:
    """Where the device finds the engine's data and which versions are current (for the
    offline package: it re-downloads a document only when its version changed)."""
    _t, tables_version = tables_document()
    _r, rules_version = rules_document()
    return {
        "script_url": static("sesi/engine/engine.js"),
        "tables_url": reverse("sesi:engine_tables"),
        "rules_url": reverse("sesi:engine_rules"),
        "tables_version": tables_version,
        "rules_version": rules_version,
        "version": f"{tables_version}.{rules_version}",
    }
