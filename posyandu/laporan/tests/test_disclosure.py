"""Dashboards, coverage cells and targets follow the SMALL_NUMBER_THRESHOLD setting."""

import pytest
from django.test import override_settings

from posyandu.laporan.coverage_selectors import Cell
from posyandu.laporan.selectors import Figures
from posyandu.tugas.targets import Progress, Target


def _figures(s: int) -> Figures:
    figures = Figures()
    figures.counts.update(s=s, d=s)
    return figures


def test_default_threshold_of_five():
    assert _figures(4).small and _figures(4).pct("d", "s") is None
    assert not _figures(5).small and _figures(5).pct("d", "s") == 100.0
    assert Cell("idl", 3, 4).pct is None and Cell("idl", 4, 5).pct == 80.0


@override_settings(SMALL_NUMBER_THRESHOLD=8)
def test_a_stricter_policy_hides_more_percentages():
    assert _figures(7).small and _figures(7).small_threshold == 8
    assert not _figures(8).small
    assert Cell("idl", 6, 7).pct is None and Cell("idl", 6, 8).pct == 75.0


@pytest.mark.parametrize(
    ("denominator", "expected"), [(None, False), (0, False), (3, True), (5, False)]
)
def test_targets_show_counts_only_below_the_threshold(denominator, expected):
    target = Target(code="ds", metric="ds_ratio", params={}, threshold=0.8, kind="ratio")
    assert Progress(target, 3, denominator).counts_only is expected
