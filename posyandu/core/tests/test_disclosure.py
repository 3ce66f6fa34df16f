"""The small-number policy is one setting, read through core.disclosure by every report."""

from django.test import override_settings

from posyandu.core.disclosure import counts_only, small_number_threshold


def test_default_is_five_and_the_edge_is_exclusive():
    assert small_number_threshold() == 5
    assert counts_only(0) and counts_only(4)
    assert not counts_only(5) and not counts_only(40)
    assert not counts_only(None)  # no denominator (an absolute target): nothing to hide


@override_settings(SMALL_NUMBER_THRESHOLD=10)
def test_the_setting_moves_the_edge():
    assert small_number_threshold() == 10
    assert counts_only(9) and not counts_only(10)
