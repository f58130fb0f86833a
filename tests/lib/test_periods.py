"""Month and period arithmetic (wagewatch/lib/periods.py), the one home of what five modules restated."""

from datetime import date as D

import pytest

from wagewatch.lib import periods


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 5, 31), 36, D(2029, 5, 31)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert periods.add_months(day, months) == expected
    assert periods.months_before(day, -months) == expected


def test_years_before_turns_29_february_into_28():
    assert periods.years_before(D(2028, 2, 29), 1) == D(2027, 2, 28)
    assert periods.years_before(D(2028, 2, 29), 4) == D(2024, 2, 29)
    assert periods.years_before(D(2026, 6, 1), 2) == D(2024, 6, 1)


def test_month_start_end_and_quarter():
    assert periods.month_start(D(2026, 3, 17)) == D(2026, 3, 1)
    assert periods.month_start(D(2026, 1, 17), -2) == D(2025, 11, 1)
    assert periods.month_start(D(2026, 11, 17), 3) == D(2027, 2, 1)
    assert periods.month_end(D(2028, 2, 3)) == D(2028, 2, 29)
    assert [periods.quarter_start(D(2026, m, 9)) for m in (1, 3, 4, 8, 12)] == [
        D(2026, 1, 1), D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1)
    ]  # fmt: skip


def test_month_counts_and_lists():
    assert periods.months_between(D(2025, 11, 1), D(2026, 2, 1)) == 4
    assert periods.months_between(D(2026, 2, 1), D(2025, 11, 1)) == 0
    assert periods.month_starts(D(2025, 11, 20), D(2026, 1, 3)) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
    ]
    assert periods.month_starts(D(2026, 1, 20), D(2026, 1, 3)) == [D(2026, 1, 1)]
    assert periods.month_starts(D(2026, 2, 1), D(2026, 1, 31)) == []


def test_month_bounds_end_on_the_day():
    assert periods.month_bounds(D(2026, 3, 10), 3) == [
        (D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 28)), (D(2026, 3, 1), D(2026, 3, 10))
    ]  # fmt: skip
