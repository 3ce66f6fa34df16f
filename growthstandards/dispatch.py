"""One entry point for one child of any age 0-19 years: picks the WHO reference by age."""

from __future__ import annotations

from typing import Any

from . import who2006, who2007


def zscores_one(
    sex: int | str,
    age_days: float,
    weight: float | None = None,
    lenhei: float | None = None,
    measure: str | None = None,
    headc: float | None = None,
    muac: float | None = None,
    oedema: bool | str = False,
) -> dict[str, Any]:
    """z-scores of one child: WHO 2006 below 60 months (``age_days / 30.4375 < 60``), WHO
    2007 from 60 months (where ``lenhei`` is the standing height and head circumference and
    MUAC have no reference). The result has a ``reference`` key: "who2006" or "who2007".
    """
    if age_days is None or not age_days >= 0:
        raise ValueError(f"age_days must be >= 0, got {age_days!r}")
    age_months = age_days / who2006.DAYS_PER_MONTH
    if age_months < who2006.AGE_LIMIT_MONTHS:
        out = who2006.zscores_one(
            sex, age_days, weight, lenhei, measure, headc, muac, oedema=oedema
        )
        return {"reference": "who2006", **out}
    out = who2007.zscores_one(sex, age_months, lenhei, weight, oedema)
    return {"reference": "who2007", **out}
