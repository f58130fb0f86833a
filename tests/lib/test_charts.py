"""The SVG charts (issue 18 item 6): an empty chart says so instead of blank axes; the column chart's axis
has integer ticks with a sensible step, never one float tick ("42.0")."""

import re
from decimal import Decimal
from itertools import pairwise

from wagewatch.lib.charts import columns, hbar, line

NO_DATA = "本期无数据"


def _ticks(svg: str) -> list[str]:
    return re.findall(r'<text [^>]*class="tick"[^>]*>([^<]*)</text>', svg)


def test_empty_columns_say_no_data():
    assert NO_DATA in columns([], [])
    assert NO_DATA in columns(["1月", "2月"], [("投诉", [0, 0]), ("隐患", [None, 0])])
    assert NO_DATA in columns(["一级", "二级"], [])  # no stock known on the day


def test_empty_bars_and_line_say_no_data():
    assert NO_DATA in hbar([], title="投诉渠道")
    assert NO_DATA in line([], [], title="保证金结存余额")
    assert NO_DATA in line(["1月", "2月"], [None, None])


def test_charts_with_data_do_not_say_no_data():
    assert NO_DATA not in columns(["1月"], [("投诉", [3])])
    assert NO_DATA not in hbar([("网上", 2)])
    assert NO_DATA not in line(["1月", "2月"], [Decimal("0"), Decimal("12.5")])


def test_column_axis_has_integer_ticks_with_a_round_step():
    svg = columns(["1月", "2月", "3月"], [("投诉", [42, 7, 0])])
    ticks = _ticks(svg)
    assert ticks == ["0", "10", "20", "30", "40", "50"]
    assert "42.0" not in svg


def test_small_counts_tick_by_one():
    assert _ticks(columns(["1月", "2月"], [("投诉", [3, 1])])) == ["0", "1", "2", "3"]


def test_tick_steps_stay_few_and_round():
    for top, expected_step in [
        (1, 1),
        (5, 1),
        (6, 2),
        (9, 2),
        (12, 5),
        (42, 10),
        (99, 20),
        (130, 50),
        (1234, 500),
    ]:
        ticks = [int(t) for t in _ticks(columns(["x"], [("n", [top])]))]
        steps = {b - a for a, b in pairwise(ticks)}
        assert steps == {expected_step}, (top, ticks)
        assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 7


def test_line_over_columns_counts_in_the_scale():
    ticks = _ticks(columns(["a", "b"], [("n", [1, 2])], line=("open", [15, 18])))
    assert ticks[-1] == "20"
