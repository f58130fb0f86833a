"""Property tests the validator suite (tests/lib/test_validators.py) does not have yet.

There: any input raises only ValidationError; any well-formed resident ID validates. Here: any well-formed
USCC and mobile number validates whatever its spacing, a corrupted check character fails, and every
validator is idempotent (its output is accepted and returned unchanged).
"""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from wagewatch.lib.validators import validate_mobile, validate_resident_id, validate_uscc

PROPERTY = settings(max_examples=25, deadline=None)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
separators = st.sampled_from(["", " ", "-", "  "])


@PROPERTY
@given(
    authority=st.sampled_from(["1", "5", "9", "Y", "N"]),
    kind=st.sampled_from(["1", "2", "3", "9"]),
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    body=st.text(USCC_CHARS, min_size=9, max_size=9),
    sep=separators,
    lower=st.booleans(),
)
def test_any_well_formed_uscc_validates_and_a_wrong_check_character_fails(
    authority, kind, region, body, sep, lower
):
    number = f"{authority}{kind}{region}{body}"
    number += uscc.calc_check_digit(number)
    typed = sep.join([number[:6], number[6:12], number[12:]])
    assert validate_uscc(typed.lower() if lower else typed) == number
    wrong = number[:17] + next(c for c in USCC_CHARS if c != number[17])
    with pytest.raises(ValidationError):
        validate_uscc(wrong)


@PROPERTY
@given(
    number=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "+86 ", "86", "0086"]),
    sep=separators,
)
def test_any_mobile_number_validates_in_the_usual_spellings(number, prefix, sep):
    typed = prefix + sep.join([number[:3], number[3:7], number[7:]])
    try:
        assert validate_mobile(typed) == number
    except ValidationError:
        # "86"/"0086" without "+" may be refused; the plain and "+86" forms never are
        assert prefix in ("86", "0086"), typed


@PROPERTY
@given(
    number=st.from_regex(r"1[0-2][0-9]{9}|[02-9][0-9]{10}|1[3-9][0-9]{8,8}|1[3-9][0-9]{10}", fullmatch=True)
)
def test_numbers_that_are_not_mainland_mobiles_fail(number):
    with pytest.raises(ValidationError):
        validate_mobile(number)


@PROPERTY
@given(st.text(max_size=40))
def test_validators_are_idempotent(text):
    for validator in (validate_resident_id, validate_uscc, validate_mobile):
        try:
            once = validator(text)
        except ValidationError:
            continue
        assert validator(once) == once
