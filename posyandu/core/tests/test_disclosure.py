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


def test_small_counts_are_suppressed_with_a_second_cell_when_one_alone() -> None:
    from posyandu.core.disclosure import suppress_small_counts

    columns = ("kode", "nama", "S", "n", "pct")
    rows = [
        ["A", "a", 8, 3, 37.5],
        ["B", "b", 12, 0, 0.0],
        ["C", "c", 6, 2, 33.3],
        ["T", "TOTAL", 26, 5, 19.2],
    ]
    out = suppress_small_counts(
        rows,
        columns=columns,
        count_columns=["S", "n"],
        linked={"n": ["pct"]},
        is_total=lambda r: r[1] == "TOTAL",
    )
    assert out == [
        ["A", "a", 8, "<5", "<5"],
        ["B", "b", 12, 0, 0.0],
        ["C", "c", 6, "<5", "<5"],
        ["T", "TOTAL", 26, 5, 19.2],
    ]
    # one small cell alone: the next smallest is hidden too, so the total gives nothing back
    lone = suppress_small_counts(
        [["A", "a", 1], ["B", "b", 9], ["C", "c", 7], ["T", "TOTAL", 17]],
        columns=("kode", "nama", "S"),
        count_columns=["S"],
        is_total=lambda r: r[1] == "TOTAL",
    )
    assert [r[2] for r in lone] == ["<5", 9, "<5", 17]
