"""The small-number disclosure policy shared by every report, dashboard and target.

A share computed over fewer than `SMALL_NUMBER_THRESHOLD` people (setting, default 5) is
shown as counts only: with a handful of children a percentage identifies them and swings
wildly from month to month.
"""

from django.conf import settings


def small_number_threshold() -> int:
    """The smallest denominator that may be shown as a percentage."""
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 5))


def counts_only(denominator: int | None) -> bool:
    """Whether a share over `denominator` people must be shown as counts only."""
    return denominator is not None and denominator < small_number_threshold()
