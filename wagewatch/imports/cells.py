"""Column types of an import: each turns one cell into a typed value or raises ValidationError (the reason):
``Text``, ``Date``, ``Month``, ``Number`` (amounts, days), ``Choice``, ``yes_no``, ``mobile``.

A type is any callable ``convert(value)``; one that needs something once per file (today's date limits, a
table of names) also has ``for_file()``, which returns the converter for that file. A blank cell reaches the
type too, so the type decides whether blank is allowed (``required``: the reason given when it is not).
"""

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wagewatch.lib.bounds import TOO_BIG, TOO_SMALL, check_date, date_limits
from wagewatch.lib.validators import MOBILE, normalise_text, validate_mobile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_DATE_RE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[.\-/年]?\s*(\d{1,2})\s*月?$")
_NUMBER_NOISE = re.compile(r"[\s,，¥]")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_YES = {"是", "已签", "已签订", "y", "yes", "√", "1", "true"}
_NO = {"否", "未签", "未签订", "n", "no", "×", "0", "false"}


def parse_date(value: object) -> datetime.date | None:
    """A date from a cell: date/datetime, Excel serial number, 2024-3-5, 2024.3.5, 2024/3/5, 2024年3月5日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError
    text = normalise_text(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(text))
    if text.isdigit() and len(text) == 8:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = _DATE_RE.match(text.split(" ")[0] if "日" not in text else text)
    if not match:
        raise ValueError
    return datetime.date(*map(int, match.groups()))


def parse_bool(value: object) -> bool | None:
    """是/否 (and a few common spellings); None when blank; ValueError otherwise."""
    text = normalise_text(value).lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError


class Text:
    """Trimmed text (full-width ASCII made half-width); at most ``max_length`` characters."""

    def __init__(
        self,
        max_length: int | None = None,
        *,
        required: "StrOrPromise | None" = None,
        too_long: "StrOrPromise | None" = None,
    ) -> None:
        self.max_length, self.required, self.too_long = max_length, required, too_long

    def __call__(self, value: object) -> str:
        text = normalise_text(value)
        if not text and self.required:
            raise ValidationError(self.required)
        if self.max_length and len(text) > self.max_length:
            raise ValidationError(self.too_long or _("内容过长（最多%(n)d字）") % {"n": self.max_length})
        return text


class Date:
    """A date within the plausible range (``bounds.date_limits``); blank gives None."""

    def __init__(
        self,
        *,
        required: "StrOrPromise | None" = None,
        invalid: "StrOrPromise | None" = None,
        past: bool = False,
    ) -> None:
        self.required, self.invalid, self.past = required, invalid, past

    def for_file(self) -> Callable[[Any], datetime.date | None]:
        # the limits are taken once a file, not once a cell (the hot path)
        return partial(self._convert, limits=date_limits(past=self.past))

    def _convert(self, value: object, *, limits: tuple[datetime.date, datetime.date]) -> datetime.date | None:
        try:
            day = parse_date(value)
        except (ValueError, OverflowError, TypeError):
            message = self.invalid or _("日期“%(v)s”无效")
            raise ValidationError(message % {"v": normalise_text(value)}) from None
        if day is None:
            if self.required:
                raise ValidationError(self.required)
            return None
        check_date(day, *limits, past=self.past)
        return day


def yes_no(value: object) -> bool:
    """是 → True; 否 or blank → False."""
    try:
        return bool(parse_bool(value))
    except ValueError:
        raise ValidationError(_("应填“是”或“否”，不能是“%(v)s”") % {"v": normalise_text(value)}) from None


def mobile(value: object) -> str:
    """A mainland mobile number as 11 digits; blank gives ''."""
    if type(value) is str and len(value) == 11 and value.isascii() and MOBILE.fullmatch(value):
        return value  # the common case, as validate_mobile gives it: 11 plain digits need no cleaning
    if value in (None, "") or not normalise_text(value):
        return ""
    return validate_mobile(value)


class Choice:
    """One of a set of labels, given back as its value. ``choices()`` gives (value, label) pairs once a file
    (model choices, or rows of a table: ``lambda: Township.objects.values_list("id", "name")``); a later pair
    with the same label wins. ``invalid`` may name the text: %(name)s."""

    def __init__(
        self,
        choices: Callable[[], Iterable[tuple[Any, Any]]],
        *,
        invalid: "StrOrPromise",
        required: "StrOrPromise | None" = None,
        default: str = "",
    ) -> None:
        self.choices, self.invalid, self.required, self.default = choices, invalid, required, default

    def for_file(self) -> Callable[[Any], Any]:
        return partial(self._convert, by_label={str(label): value for value, label in self.choices()})

    def _convert(self, value: object, *, by_label: dict[str, Any]) -> Any:
        text = normalise_text(value) or self.default
        if not text:
            if self.required:
                raise ValidationError(self.required)
            return ""
        if text not in by_label:
            raise ValidationError(self.invalid % {"name": text})
        return by_label[text]


def parse_month(value: Any) -> datetime.date | None:
    """The first day of a month from a cell: a date, 2024-02, 2024/2, 2024.2, 2024年2月, 202402."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return (value.date() if isinstance(value, datetime.datetime) else value).replace(day=1)
    text = normalise_text(value)
    if not text:
        return None
    match = _MONTH_RE.match(text)
    if match:
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)
    day = parse_date(text)  # a whole date names its month
    return day.replace(day=1) if day else None


class Month:
    """A month, given back as its first day; blank gives None."""

    def __init__(self, *, invalid: "StrOrPromise | None" = None) -> None:
        self.invalid = invalid

    def __call__(self, value: Any) -> datetime.date | None:
        try:
            return parse_month(value)
        except (ValueError, OverflowError, TypeError):
            message = self.invalid or _("月份“%(v)s”无效")
            raise ValidationError(message % {"v": normalise_text(value)}) from None


class Number:
    """A decimal from a cell, rounded half up to ``places``: numbers as a spreadsheet stores them (the binary
    float 9359.000000001 lands as 9359.00) or text such as "9,360.00元" (separators, ¥ and the ``units``
    dropped); between ``low`` and ``high`` (``out_of_range``: the reason, with %(low)s and %(high)s).
    Blank gives ``blank``, or the ``required`` reason."""

    def __init__(self, places: int, *, high: Decimal, low: Decimal = Decimal(0), units: tuple[str, ...] = (),
                 required: "StrOrPromise | None" = None, blank: Decimal | None = None,
                 out_of_range: "StrOrPromise | None" = None) -> None:  # fmt: skip
        self.step, self.low, self.high, self.units = Decimal(1).scaleb(-places), low, high, units
        self.required, self.blank, self.out_of_range = required, blank, out_of_range

    def __call__(self, value: Any) -> Decimal | None:
        number = self._decimal(value)
        if number is None:
            if self.required:
                raise ValidationError(self.required)
            return self.blank
        number = number.quantize(self.step, rounding=ROUND_HALF_UP)
        if self.out_of_range and not self.low <= number <= self.high:
            raise ValidationError(self.out_of_range % {"low": self.low, "high": self.high})
        if number < self.low:
            raise ValidationError(_("不能为负数") if self.low == 0 else TOO_SMALL % {"limit_value": self.low})
        if number > self.high:
            raise ValidationError(TOO_BIG % {"limit_value": self.high})
        return number

    def _decimal(self, value: Any) -> Decimal | None:
        if isinstance(value, bool):
            raise ValidationError(_("不是有效的数字"))
        if isinstance(value, int | float):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        else:
            text = _NUMBER_NOISE.sub("", normalise_text(value))
            for unit in self.units:
                text = text.removesuffix(unit)
            if not text:
                return None
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValidationError(_("“%(v)s”不是有效的数字") % {"v": normalise_text(value)}) from None
        if not number.is_finite() or number.adjusted() > 20:  # NaN, Infinity, 1E+99: no column holds them
            raise ValidationError(_("不是有效的数字"))
        return number
