"""The small-number disclosure policy shared by every report, dashboard and target.

A share computed over fewer than `SMALL_NUMBER_THRESHOLD` people (setting, default 5) is
shown as counts only: with a handful of children a percentage identifies them and swings
wildly from month to month.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings


def small_number_threshold() -> int:
    """The smallest denominator that may be shown as a percentage."""
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 5))


def counts_only(denominator: int | None) -> bool:
    """Whether a share over `denominator` people must be shown as counts only."""
    return denominator is not None and denominator < small_number_threshold()


def small_count_text() -> str:
    """How a suppressed count reads in a table: "<5"."""
    return f"<{small_number_threshold()}"


def suppress_small_counts(
    rows: Sequence[Sequence[Any]],
    *,
    columns: Sequence[str],
    count_columns: Iterable[str],
    linked: Mapping[str, Sequence[str]] | None = None,
    is_total: Callable[[Sequence[Any]], bool] = lambda row: False,
) -> list[list[Any]]:
    """Counts of 1 to threshold-1 people in the unit rows of an aggregate-only table become
    "<5" (zero reveals nobody and stays). A column with exactly one such cell would give it
    back through the total row, so the next smallest count of that column is suppressed too
    (or, with no other unit, the total itself). `linked` names cells that follow a count
    (a percentage computed from it). Rows for which `is_total` holds are totals."""
    threshold = small_number_threshold()
    table = [list(row) for row in rows]
    index = {name: i for i, name in enumerate(columns)}
    units = [r for r in table if not is_total(r)]
    totals = [r for r in table if is_total(r)]
    hidden: set[tuple[int, int]] = set()  # (id(row), column index)

    def numeric(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    for name in count_columns:
        if name not in index:
            continue
        col = index[name]
        small = [r for r in units if numeric(r[col]) and 0 < r[col] < threshold]
        for r in small:
            hidden.add((id(r), col))
        if len(small) == 1 and totals:
            others = sorted(
                (r for r in units if r is not small[0] and numeric(r[col]) and r[col] > 0),
                key=lambda r: r[col],
            )
            for r in others[:1] or totals:
                hidden.add((id(r), col))
    text = small_count_text()
    by_id = {id(r): r for r in table}
    for row_id, col in hidden:
        row = by_id[row_id]
        row[col] = text
        for follower in (linked or {}).get(columns[col], ()):
            if follower in index:
                row[index[follower]] = text
    return table
