"""Validators for the numbers on a roster: resident ID (GB 11643), USCC (GB 32100), mainland mobile.

Every public function gives a clean answer for any input: it returns a value or raises
django.core.exceptions.ValidationError, never another exception type.
"""

import datetime
import re
import time
import unicodedata
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, to their half-width forms.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
# Characters Excel copy-paste leaves behind that are invisible and not whitespace to Python.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# both in one table (their keys differ, and what the first gives is ASCII, never invisible): one translate,
# and only for text holding one of them (a regex search is cheaper than a translate that changes nothing)
_WIDE_OR_INVISIBLE = _HALF_WIDTH | _INVISIBLE
_NEEDS_HALF_WIDTH = re.compile("[\uff01-\uff5e\u3000\u200b\u200c\u200d\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
_FORMULA_START = ("=", "+", "-", "@")
# Longer than any number we check, even padded with spaces: reject before doing any work on it.
_MAX_NUMBER_INPUT = 64
_MAX_RAW_INPUT = 1000
_USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
_MOBILE = MOBILE = re.compile(r"1[3-9][0-9]{9}")  # (ASCII digits: what validate_mobile gives)
_MOBILE_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1[0-9]{10}$)")


def _to_text(value: object) -> str:
    """Any input as a str (None and bools give ''); raises ValueError when it has no usable text form."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        return str(value)
    except Exception as exc:  # huge ints, objects with a broken __str__
        raise ValueError("no text form") from exc


def _half_width(text: str) -> str:
    if text.isascii() or not _NEEDS_HALF_WIDTH.search(text):  # the common cases: nothing to translate
        return text
    return text.translate(_WIDE_OR_INVISIBLE)


def normalise_text(value: object) -> str:
    """Trim, collapse inner whitespace and turn full-width ASCII into half-width; None gives ''."""
    if type(value) is str:  # the common case (an import normalises every text cell)
        text = value
    else:
        try:
            text = _to_text(value)
        except ValueError:
            return ""
    return _WHITESPACE.sub(" ", _half_width(text)).strip()


def looks_like_formula(value: object) -> bool:
    """True when text would be read as a spreadsheet formula (= + - @, or a leading tab/CR); numbers never."""
    if not isinstance(value, str):
        return False
    if value.startswith(("\t", "\r")):
        return True
    if value.isascii():
        return value.strip().startswith(_FORMULA_START)
    return unicodedata.normalize("NFKC", _half_width(value)).strip().startswith(_FORMULA_START)


FORMULA_REFUSED = _("内容不能以 = + - @ 开头（疑似公式）")


def formula_errors(values: dict[str, Any]) -> dict[str, Any]:
    """{name: message} for each value a spreadsheet would run as a formula: the one check that keeps such
    text out of what is stored (it would end up in exports)."""
    return {name: FORMULA_REFUSED for name, value in values.items() if looks_like_formula(value)}


def _compact(value: object, *, drop: str, label: object) -> str:
    """Half-width, stripped text with the separators in `drop` removed; blank or huge input is invalid."""
    params = {"label": label}
    try:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("not a whole number")
        text = _to_text(value)
    except ValueError:
        raise ValidationError(_("%(label)s格式不正确"), code="invalid_format", params=params) from None
    if len(text) <= _MAX_RAW_INPUT and not (text.isascii() and text.isalnum()):
        # (plain letters and digits hold no space and nothing of ``drop``: separators, never letters)
        text = "".join(ch for ch in _half_width(text) if ch not in drop and not ch.isspace())
    if not text:
        raise ValidationError(_("请填写%(label)s"), code="required", params=params)
    if len(text) > _MAX_NUMBER_INPUT:
        raise ValidationError(_("%(label)s过长"), code="invalid_length", params=params)
    return text


def _is_digits(text: str) -> bool:
    """Only 0-9 (True for ''): str.isdigit alone would also take other scripts' digits."""
    return not text or (text.isascii() and text.isdigit())


_TODAY: list = [0.0, None]


def _today() -> datetime.date:
    """Today's local date, looked up at most once a second (imports check tens of thousands of IDs)."""
    now = int(time.time())
    if now != _TODAY[0]:
        _TODAY[:] = [now, timezone.localdate()]
    return _TODAY[1]


def _birth_date(number: str) -> datetime.date:
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期不存在"), code="invalid_birth_date") from None
    if born.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期早于1900年"), code="invalid_birth_date")
    if born > _today():
        raise ValidationError(_("身份证号码中的出生日期晚于今天"), code="invalid_birth_date")
    return born


def validate_resident_id(value: object) -> str:
    """Return the 18-character resident ID number (GB 11643) normalised, or raise ValidationError."""
    if isinstance(value, float):
        # Excel stored the number as a float: the last digits are already lost.
        raise ValidationError(_("身份证号码被存成了数字，末几位已丢失，请把该列设为文本"), code="invalid")
    if type(value) is str and len(value) == 18 and value.isascii() and value.isalnum():
        number = value.upper()  # the common case: what _compact would give (no spaces, half-width already)
    else:
        number = _compact(value, drop="", label=_("身份证号码")).upper()
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位（现为%(n)d位）"), code="invalid_length", params={"n": len(number)}
        )
    if not _is_digits(number[:17]):
        raise ValidationError(_("身份证号码前17位应为数字"), code="invalid_format")
    if not (_is_digits(number[17]) or number[17] == "X"):
        raise ValidationError(_("身份证号码末位应为数字或X"), code="invalid_format")
    _birth_date(number)
    # Only the GB 11643 check digit: ric.validate() also rejects real area codes by birth year.
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对"), code="invalid_checksum")
    return number


def _birthplace(number: str, year: int) -> str | None:
    """Province and county named by the area code, for display only; None when unknown."""
    try:
        from stdnum import numdb

        info = {k: v for _part, props in numdb.get("cn/loc").info(number[:6]) for k, v in props.items()}
    except Exception:
        return None
    counties = [c for c in info.get("county", "").split(",") if c]
    chosen = next((name for span, name in map(_county_span, counties) if _in_span(span, year)), None)
    if chosen is None and counties:
        chosen = _county_span(counties[0])[1]
    parts = [p for p in (info.get("province"), info.get("prefecture"), chosen) if p]
    return "".join(parts) or None


def _county_span(entry: str) -> tuple[str, str]:
    """'[1992-]来安县' -> ('1992-', '来安县'); an entry without years -> ('-', name)."""
    if entry.startswith("[") and "]" in entry:
        span, name = entry[1:].split("]", 1)
        return span, name
    return "-", entry


def _in_span(span: str, year: int) -> bool:
    start, _sep, end = span.partition("-")
    return (not start.isdigit() or year >= int(start)) and (not end.isdigit() or year <= int(end))


class ResidentIdInfo(TypedDict):
    birth_date: datetime.date
    sex: str  # "M" / "F"
    birthplace: str | None


def resident_id_info(value: object) -> ResidentIdInfo:
    """Birth date, sex ('M'/'F') and birthplace (or None) of a valid resident ID; else ValidationError."""
    number = validate_resident_id(value)
    birth_date = _birth_date(number)
    return {
        "birth_date": birth_date,
        "sex": "M" if int(number[16]) % 2 else "F",
        "birthplace": _birthplace(number, birth_date.year),
    }


def validate_uscc(value: object) -> str:
    """Return the 18-character unified social credit code (GB 32100) upper-cased, or raise ValidationError."""
    code = _compact(value, drop="-", label=_("统一社会信用代码")).upper()
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位（现为%(n)d位）"), code="invalid_length", params={"n": len(code)}
        )
    # Authority and type (chars 1-2) may be letters such as N or Y; the region code (3-8) is digits.
    if not set(code) <= _USCC_ALPHABET or not _is_digits(code[2:8]):
        raise ValidationError(
            _("统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）"), code="invalid_format"
        )
    if uscc.calc_check_digit(code) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对"), code="invalid_checksum")
    return code


def validate_mobile(value: object) -> str:
    """Return a mainland mobile number as 11 digits (spaces, dashes, +86 allowed); else ValidationError."""
    text = _compact(value, drop="-()", label=_("手机号码"))
    number = _MOBILE_PREFIX.sub("", text)
    if not _MOBILE.fullmatch(number):
        raise ValidationError(_("手机号码应为以13-19开头的11位数字"), code="invalid")
    return number
