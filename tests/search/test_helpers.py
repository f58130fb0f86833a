"""The whitelisted sort and the keyset's ``after`` parameter (no database)."""

import pytest

from wagewatch.lib.keyset import after_id
from wagewatch.lib.sorting import sort_fields

COLUMNS = {"number": ("year", "seq"), "received": "received_at", "grade": "-risk_grade"}


def test_sort_fields_follow_the_whitelist_and_turn_with_a_minus():
    assert sort_fields("number", COLUMNS) == ("year", "seq")
    assert sort_fields("-number", COLUMNS) == ("-year", "-seq")
    assert sort_fields("-received", COLUMNS) == ("-received_at",)
    assert sort_fields("-grade", COLUMNS) == ("risk_grade",)


@pytest.mark.parametrize("value", ["", None, "received_at", "--number", "-", "number;", "complainant_phone"])
def test_anything_else_is_no_sort(value):
    assert sort_fields(value, COLUMNS) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("x", None),
        ("", None),
        (None, None),
        ("9" * 30, None),
    ],
)
def test_after_id_accepts_only_a_positive_id(value, expected):
    assert after_id(value) == expected
