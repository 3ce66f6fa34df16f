"""One entry point for children of any age 0-19 years: picks the WHO reference by age."""

from __future__ import annotations

from collections.abc import Sequence
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
    return zscores_many(
        [sex],
        [age_days],
        weight=[weight],
        lenhei=[lenhei],
        measure=[measure],
        headc=[headc],
        muac=[muac],
        oedema=[oedema],
    )[0]


def zscores_many(
    sex: Sequence[int | str],
    age_days: Sequence[float],
    weight: Sequence[float | None] | None = None,
    lenhei: Sequence[float | None] | None = None,
    measure: Sequence[str | None] | None = None,
    headc: Sequence[float | None] | None = None,
    muac: Sequence[float | None] | None = None,
    oedema: Sequence[bool | str] | None = None,
) -> list[dict[str, Any]]:
    """``zscores_one`` of many children: one column computation per reference, the same
    checks (the first failing row raises its ``ValueError``) and the same dict per row."""
    n = len(sex)

    def column(values: Sequence[Any] | None, default: Any = None) -> list[Any]:
        return list(values) if values is not None else [default] * n

    weights, lenheis, measures = column(weight), column(lenhei), column(measure)
    headcs, muacs, oedemas = column(headc), column(muac), column(oedema, False)
    young: list[int] = []
    old: list[int] = []
    for i, age in enumerate(age_days):
        if age is None or not age >= 0:
            raise ValueError(f"age_days must be >= 0, got {age!r}")
        (young if age / who2006.DAYS_PER_MONTH < who2006.AGE_LIMIT_MONTHS else old).append(i)
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    if young:
        rows = who2006.zscores_rows(
            [sex[i] for i in young],
            [age_days[i] for i in young],
            weight=[weights[i] for i in young],
            lenhei=[lenheis[i] for i in young],
            measure=[measures[i] for i in young],
            headc=[headcs[i] for i in young],
            muac=[muacs[i] for i in young],
            oedema=[oedemas[i] for i in young],
        )
        for i, row in zip(young, rows, strict=True):
            out[i] = {"reference": "who2006", **row}
    if old:
        rows = who2007.zscores_rows(
            [sex[i] for i in old],
            [age_days[i] / who2006.DAYS_PER_MONTH for i in old],
            [lenheis[i] for i in old],
            [weights[i] for i in old],
            [oedemas[i] for i in old],
        )
        for i, row in zip(old, rows, strict=True):
            out[i] = {"reference": "who2007", **row}
    return out
