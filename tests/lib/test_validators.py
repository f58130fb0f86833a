import datetime

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from tests.conftest import SAMPLES
from wagewatch.lib.validators import (
    looks_like_formula,
    normalise_text,
    resident_id_info,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

HEADER_ROW = 3


def _id_column(sheet) -> int:
    header = next(sheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True))
    return next(i for i, text in enumerate(header) if text and ("身份证" in text or "公民身份号码" in text))


def _ids_by_row(name: str) -> dict[int, object]:
    if not (SAMPLES / name).exists():
        pytest.skip(f"sample {name} not available")
    workbook = openpyxl.load_workbook(SAMPLES / name, read_only=True)
    sheet = workbook.active
    column = _id_column(sheet)
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    result = {n: row[column] for n, row in enumerate(rows, start=HEADER_ROW + 1) if any(row)}
    workbook.close()
    return result


def _with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


# Resident ID numbers


def test_every_id_in_the_clean_roster_validates():
    ids = _ids_by_row("roster_clean.xlsx")
    assert len(ids) == 200
    for row, value in ids.items():
        assert validate_resident_id(value) == value, f"row {row}"


def test_dirty_roster_rows_with_bad_ids_fail_and_lower_case_x_passes():
    ids = _ids_by_row("roster_dirty.xlsx")
    with pytest.raises(ValidationError) as bad_check:
        validate_resident_id(ids[7])
    assert bad_check.value.code == "invalid_checksum"
    with pytest.raises(ValidationError) as born_2099:
        validate_resident_id(ids[19])
    assert born_2099.value.code == "invalid_birth_date"
    assert ids[25].endswith("x")
    assert validate_resident_id(ids[25]) == ids[25].upper()


def test_area_code_unknown_to_stdnum_is_not_rejected():
    # 510623 only exists from 1983 in stdnum's table; a person born there in 1970 is real.
    number = _with_check_digit("51062319700101001")
    assert not ric.is_valid(number)
    assert validate_resident_id(number) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 34110319800105751x ", "34110319800105751X"),
        ("３４１１０３１９８００１０５７５１ｘ", "34110319800105751X"),
        ("341103 19800105 751X", "34110319800105751X"),
        (410403198403236610, "410403198403236610"),
        (" " * 200 + "410403198403236610\t", "410403198403236610"),
    ],
)
def test_resident_id_is_normalised(raw, expected):
    assert validate_resident_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        (None, "required"),
        ("41040319840323661", "invalid_length"),
        ("4104031984032366100", "invalid_length"),
        ("41040319840323661A", "invalid_format"),
        ("4104031984032366X0", "invalid_format"),
        ("４１０４０３１９８４０３２３６６１٠", "invalid_format"),  # Arabic-Indic zero is not a digit here
        ("410403198402306610", "invalid_birth_date"),  # 30 February
        ("410403189912316610", "invalid_birth_date"),  # before 1900
        ("410403198403236611", "invalid_checksum"),
        (4.10403198403236e17, "invalid"),  # Excel turned it into a float
        ("x" * 10_000, "invalid_length"),
    ],
)
def test_bad_resident_ids_are_rejected_with_a_code(raw, code):
    with pytest.raises(ValidationError) as error:
        validate_resident_id(raw)
    assert error.value.code == code
    assert error.value.messages[0]


@time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC))
def test_birth_date_after_today_is_rejected():
    assert validate_resident_id(_with_check_digit("11010520240601002"))
    with pytest.raises(ValidationError):
        validate_resident_id(_with_check_digit("11010520240602002"))


def test_resident_id_info_gives_birth_date_sex_and_birthplace():
    info = resident_id_info("341122196706048920")
    assert info == {"birth_date": datetime.date(1967, 6, 4), "sex": "F", "birthplace": "安徽省来安县"}
    assert resident_id_info("410403198403236610")["sex"] == "M"


def test_resident_id_info_has_no_birthplace_for_an_unknown_area():
    number = _with_check_digit("99999919800101001")
    assert validate_resident_id(number) == number
    assert resident_id_info(number)["birthplace"] is None


# USCC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91110000600037341L", "91110000600037341L"),
        (" 91110000600037341l ", "91110000600037341L"),
        ("9111-0000-6000-37341L", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
    ],
)
def test_uscc_is_normalised(raw, expected):
    assert validate_uscc(raw) == expected


def test_uscc_with_a_letter_authority_code_is_accepted():
    # Registering authority N (agriculture) is valid in GB 32100 though stdnum's validate() wants digits.
    first17 = "N2" + "340100" + "MA2N0A0B0"
    code = first17 + uscc.calc_check_digit(first17)
    assert not uscc.is_valid(code)
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("91110000600037341", "invalid_length"),
        ("110108000000016", "invalid_length"),  # old 15-digit registration number
        ("91110000600037341I", "invalid_format"),
        ("911100A0600037341L", "invalid_format"),  # region code must be digits
        ("91110000600037341M", "invalid_checksum"),
    ],
)
def test_bad_uscc_is_rejected(raw, code):
    with pytest.raises(ValidationError) as error:
        validate_uscc(raw)
    assert error.value.code == code


# Mobile


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
        13812345678,
        13812345678.0,
    ],
)
def test_mobile_is_normalised(raw):
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw", ["138123", "12812345678", "1381234567８9", "0551-1234567", "", None, 1.5, "abc"]
)
def test_bad_mobile_is_rejected(raw):
    with pytest.raises(ValidationError):
        validate_mobile(raw)


# Text


def test_normalise_text_trims_collapses_and_half_widths():
    assert normalise_text("  钢筋班组 ") == "钢筋班组"
    assert normalise_text("Ａ栋　３号\u200b  楼\t\n二层") == "A栋 3号 楼 二层"
    assert normalise_text(None) == ""
    assert normalise_text(12) == "12"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","点我")', True),
        ("  =1+1", True),
        ("＝1+1", True),
        ("+8613812345678", True),
        ("-1", True),
        ("@SUM(A1)", True),
        ("\tcmd", True),
        ("\rcmd", True),
        ("张三", False),
        ("a=b", False),
        ("", False),
        (None, False),
        (-1, False),
    ],
)
def test_looks_like_formula(value, expected):
    assert looks_like_formula(value) is expected


# Properties: any input gives a value or a ValidationError, never another exception.

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**4000, max_value=10**4400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789Xx０１２３４５６７８９ｘ -+", min_size=10, max_size=25),
    st.binary(),
    st.lists(st.integers(), max_size=3),
    st.dates(),
)


@settings(max_examples=50, deadline=None)
@given(ANYTHING)
def test_validators_raise_only_validation_error(value):
    for validator in (validate_resident_id, validate_uscc, validate_mobile, resident_id_info):
        try:
            result = validator(value)
        except ValidationError as error:
            assert error.messages
        else:
            assert isinstance(result, dict | str)


@settings(max_examples=50, deadline=None)
@given(ANYTHING)
def test_text_helpers_never_raise(value):
    assert isinstance(normalise_text(value), str)
    assert isinstance(looks_like_formula(value), bool)


@settings(max_examples=50, deadline=None)
@given(
    area=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    serial=st.from_regex(r"[0-9]{3}", fullmatch=True),
)
def test_any_well_formed_id_validates_and_a_wrong_check_digit_fails(area, born, serial):
    number = _with_check_digit(f"{area}{born:%Y%m%d}{serial}")
    assert validate_resident_id(number.lower()) == number
    assert resident_id_info(number)["birth_date"] == born
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_resident_id(wrong)


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "19912345678", "12812345678", "1381234567x", "１３８１２３４５６７８", "138 1234 5678",
     " 13812345678", "8613812345678", "+8613812345678", "", None, 13812345678, 13812345678.0, "23812345678"],
)  # fmt: skip
def test_the_import_mobile_cell_is_validate_mobile(raw):
    # cells.mobile takes 11 plain digits without validate_mobile: the same number, or the same refusal
    from django.core.exceptions import ValidationError

    from wagewatch.imports.cells import mobile

    try:
        expected = validate_mobile(raw) if raw not in (None, "") else ""
    except ValidationError as exc:
        with pytest.raises(ValidationError) as found:
            mobile(raw)
        assert found.value.messages == exc.messages
    else:
        assert mobile(raw) == expected
