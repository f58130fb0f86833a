import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wagewatch.lib.masking import mask_card, mask_id, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110105194912311234", "110***********1234"),
        ("34110319800105751X", "341***********751X"),
        (" 110105 19491231 1234 ", "110***********1234"),
        ("12345678", "123*5678"),
        ("1234567", "1*****7"),
        ("123", "1*3"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id(value, expected):
    assert mask_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        (13812345678, "138****5678"),
        ("055112345678", "055*****5678"),
        ("1234", "1**4"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6222021234561234", "6222 **** **** 1234"),
        ("6222 0212 3456 1234", "6222 **** **** 1234"),
        ("6222021234567891234", "6222 **** **** *** 1234"),
        ("1234567890", "******7890"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_card(value, expected):
    assert mask_card(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("阿卜杜拉·买买提", "阿***·***"),
        ("李", "*"),
        (" 张三 ", "张*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value, expected):
    assert mask_name(value) == expected


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="0123456789X", min_size=8, max_size=30))
def test_masked_numbers_show_at_most_seven_characters(value):
    for masked in (mask_id(value), mask_phone(value)):
        assert len(masked) == len(value)
        assert len(masked.replace("*", "")) <= 7
    assert len(mask_card(value).replace("*", "").replace(" ", "")) <= 8


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.none(), st.text(), st.integers(), st.floats()))
def test_masking_never_raises(value):
    for mask in (mask_id, mask_phone, mask_card, mask_name):
        assert isinstance(mask(value), str)
