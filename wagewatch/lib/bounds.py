"""Bounds of input, in one place (issue 14): numbers fit the column they are stored in, dates lie in the
plausible range (``WAGEWATCH["DATE_MIN_YEAR"]`` to ``DATE_MAX_YEARS_AHEAD`` years ahead; a past event never
after today), from/to ranges are ordered, text has a length limit (``TEXT_MAX_LENGTH``).

Every form takes them through ``BoundedFormMixin`` (``BoundedForm``/``BoundedModelForm``) and every DRF
serializer through ``BoundedSerializerMixin``: a ModelForm/ModelSerializer reads its model's columns, a plain
form names the model it writes in ``bounds_model``; a field with no column gets the widest column a form
writes (PostgreSQL ``integer``, money ``numeric(16, 2)``). Errors are Chinese through gettext.
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.core import validators
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import config
from .validators import formula_errors

if TYPE_CHECKING:  # what the mixins below are mixed into
    _FormBase = forms.BaseForm
    _SerializerBase = serializers.Serializer
else:
    _FormBase = _SerializerBase = object

Column = models.Field | models.ForeignObjectRel  # what a form field is stored in
FormOrSerializerField = forms.Field | serializers.Field


class DecimalColumn(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: DecimalColumn = {"max_digits": 16, "decimal_places": 2}  # the money column of every app: `**MONEY`
MONEY_DIGITS = (MONEY["max_digits"], MONEY["decimal_places"])
TOO_BIG = _("数值过大，不能超过 %(limit_value)s")
TOO_SMALL = _("数值过小，不能小于 %(limit_value)s")
TOO_LONG = _("内容过长：最多 %(limit_value)d 个字（现有 %(show_value)d 个）")


# ---------------------------------------------------------------- the bounds themselves


def date_min() -> datetime.date:
    """The earliest plausible date (1 January of ``DATE_MIN_YEAR``)."""
    return datetime.date(config.DATE_MIN_YEAR(), 1, 1)


def date_max() -> datetime.date:
    """The latest plausible date: the end of the year ``DATE_MAX_YEARS_AHEAD`` years from today."""
    return datetime.date(timezone.localdate().year + config.DATE_MAX_YEARS_AHEAD(), 12, 31)


def text_max_length() -> int:
    return config.TEXT_MAX_LENGTH()


def integer_range(column: Column | None = None) -> tuple[int | None, int | None]:
    """(low, high) an integer column holds in SQL, as on PostgreSQL; no column: a plain ``integer``.

    Not this connection's range: SQLite enforces none, and the bounds must not depend on the database a
    county happens to start on (its data moves to PostgreSQL).
    """
    internal = column.get_internal_type() if isinstance(column, models.IntegerField) else "IntegerField"
    return BaseDatabaseOperations.integer_field_ranges[internal]


def decimal_digits(
    column: Column | None = None, field_digits: tuple[int | None, int | None] = (None, None)
) -> tuple[int, int]:
    """(max_digits, decimal_places) of the column, else of the field, else of a money column."""
    if isinstance(column, models.DecimalField):
        return column.max_digits, column.decimal_places
    if field_digits[0] is not None:
        return field_digits[0], field_digits[1] if field_digits[1] is not None else MONEY_DIGITS[1]
    return MONEY_DIGITS


def decimal_limit(max_digits: int, decimal_places: int) -> Decimal:
    """The largest value a numeric(max_digits, decimal_places) column holds."""
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places


def column_of(model: type[models.Model] | None, name: str | None) -> Column | None:
    """The model field a form/serializer field is stored in, or None."""
    if model is None or not name:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def date_limits(*, past: bool) -> tuple[datetime.date, datetime.date]:
    """(earliest, latest) plausible date today: a past event's latest is today."""
    return date_min(), timezone.localdate() if past else date_max()


def check_date(value: datetime.date, low: datetime.date, high: datetime.date, *, past: bool = False) -> None:
    """Refuse a date outside [low, high] (from ``date_limits``); a loop over many rows takes them once."""
    if past and value > high:
        raise ValidationError(_("该日期不能晚于今天（%(today)s）"), code="future", params={"today": high})
    if not low <= value <= high:
        message = _("日期超出合理范围（%(low)s 至 %(high)s）")
        raise ValidationError(message, code="date_range", params={"low": low, "high": high})


class DateInRange:
    """A date between ``date_min()`` and ``date_max()``; a past event (``past=True``) not after today."""

    def __init__(self, *, past: bool) -> None:
        self.past = past

    def __call__(self, value: datetime.date) -> None:
        check_date(value, *date_limits(past=self.past), past=self.past)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateInRange) and other.past == self.past


def range_pairs(names: Iterable[str], declared: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """(first, last) date pairs: ``x_from``/``x_to`` and ``start``/``end`` by name, plus the declared ones."""
    names = set(names)
    pairs = [(n, n[:-5] + "_to") for n in sorted(names) if n.endswith("_from") and n[:-5] + "_to" in names]
    if {"start", "end"} <= names:
        pairs.append(("start", "end"))
    return pairs + [p for p in declared if p not in pairs]


def range_error(first_label: object, last_label: object) -> str:
    return _("%(last)s不能早于%(first)s") % {"first": first_label, "last": last_label}


# ---------------------------------------------------------------- applying them to a field


def _checked(
    field: FormOrSerializerField, kind: type[validators.BaseValidator], pick: Callable[[list[Any]], Any]
) -> Any:
    """The strictest limit the field's validators already enforce (its max_length/max_value attribute may
    be set without one: AuthenticationForm sets the username's max_length after the field is built)."""
    limits = [v.limit_value for v in field.validators if type(v) is kind]
    return pick(limits) if limits else None


def _limit_number(field: Any, low: Decimal | int | None, high: Decimal | int | None) -> None:
    """Narrow the field's min/max to (low, high); a stricter bound already on the field stays."""
    current = _checked(field, validators.MaxValueValidator, min)
    if high is not None and (current is None or current > high):
        field.max_value = high
        field.validators.append(validators.MaxValueValidator(high, message=TOO_BIG))
    current = _checked(field, validators.MinValueValidator, max)
    if low is not None and (current is None or current < low):
        field.min_value = low
        field.validators.append(validators.MinValueValidator(low, message=TOO_SMALL))


def _limit_text(field: forms.CharField | serializers.CharField, column: Column | None) -> None:
    limit = text_max_length()
    if isinstance(column, models.CharField) and column.max_length:
        limit = min(limit, column.max_length)
    current = _checked(field, validators.MaxLengthValidator, min)
    if current is None or current > limit:
        field.max_length = limit
        field.validators.append(validators.MaxLengthValidator(limit, message=TOO_LONG))


def _limit_decimal(field: forms.DecimalField | serializers.DecimalField, column: Column | None) -> None:
    max_digits, places = decimal_digits(column, (field.max_digits, field.decimal_places))
    limit = decimal_limit(max_digits, places)
    _limit_number(field, -limit, limit)
    if isinstance(field, forms.DecimalField) and field.decimal_places is None:
        field.decimal_places = places
        field.validators.append(validators.DecimalValidator(None, places))


def bound_field(field: FormOrSerializerField, column: Column | None, *, past: bool) -> None:
    """Give one form or serializer field the bounds of its column and of the plausible dates."""
    if isinstance(field, forms.DecimalField | serializers.DecimalField):
        _limit_decimal(field, column)
    elif isinstance(field, forms.IntegerField | serializers.IntegerField) and not isinstance(
        field, forms.FloatField
    ):
        _limit_number(field, *integer_range(column))
    elif isinstance(field, forms.DateField | serializers.DateField):
        field.validators.append(DateInRange(past=past))
    elif isinstance(field, forms.CharField | serializers.CharField):
        _limit_text(field, column)
    else:
        return
    if isinstance(field, forms.Field):  # the browser shows the bound too
        field.widget.attrs.update(field.widget_attrs(field.widget))


# ---------------------------------------------------------------- the mixins


class BoundedFormMixin(_FormBase):
    """Bounds every field of a Django form; see the module docstring."""

    bounds_model: type[models.Model] | None = None  # the model a plain form writes
    # due dates and plans ("__all__": every date, as in the admin); every other date field is a past event
    future_dates: tuple[str, ...] | str = ()
    date_ranges: tuple[tuple[str, str], ...] = ()  # pairs not named x_from/x_to or start/end

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model = getattr(getattr(self, "_meta", None), "model", None) or self.bounds_model
        for name, field in self.fields.items():
            past = self.future_dates != "__all__" and name not in self.future_dates
            bound_field(field, column_of(model, name), past=past)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a parent's clean() may return None: cleaned_data is kept as it is
            data = self.cleaned_data
        for first, last in range_pairs(self.fields, self.date_ranges):
            if data.get(first) and data.get(last) and data[last] < data[first]:
                self.add_error(last, range_error(self.fields[first].label, self.fields[last].label))
        return data


class NoFormulaMixin(_FormBase):
    """A form that refuses, on its field, text a spreadsheet would run as a formula."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a parent's clean() may return None: cleaned_data is kept as it is
            data = self.cleaned_data
        for name, message in formula_errors(data).items():
            self.add_error(name, message)
        return data


class BoundedForm(BoundedFormMixin, forms.Form):
    pass


class BoundedModelForm(BoundedFormMixin, forms.ModelForm):
    pass


class BoundedAdminForm(BoundedModelForm):
    """The admin's forms: every model, so dates are only held to the plausible range."""

    future_dates = "__all__"


class BoundedSerializerMixin(_SerializerBase):
    """Bounds every writable field of a DRF serializer; see the module docstring."""

    bounds_model: type[models.Model] | None = None
    future_dates: tuple[str, ...] = ()
    date_ranges: tuple[tuple[str, str], ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None) or self.bounds_model
        for name, field in fields.items():
            if not field.read_only:
                source = field.source or name
                column = None if "." in source else column_of(model, source)
                bound_field(field, column, past=name not in self.future_dates)
        return fields

    def to_internal_value(self, data: Any) -> Any:
        attrs = super().to_internal_value(data)
        errors = {
            last: [range_error(self.fields[first].label or first, self.fields[last].label or last)]
            for first, last in range_pairs(self.fields, self.date_ranges)
            if attrs.get(first) and attrs.get(last) and attrs[last] < attrs[first]
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class BoundedSerializer(BoundedSerializerMixin, serializers.Serializer):
    pass


class BoundedModelSerializer(BoundedSerializerMixin, serializers.ModelSerializer):
    pass


def step_order_errors(
    steps: Iterable[tuple[str, datetime.date | None]], *, today: datetime.date | None = None
) -> list[tuple[str, str]]:
    """(step name, message) for each step of a record's timeline dated in the future or before the step
    it follows (DESIGN §9: real dates, entered after the fact). ``steps`` come in their order, named as
    the form fields or columns that hold them, with None for a step not taken; a forms' ``clean`` adds
    each message to its field, an import to its cell."""
    today = today or timezone.localdate()
    errors: list[tuple[str, str]] = []
    previous: tuple[str, datetime.date] | None = None
    for name, day in steps:
        if day is None:
            continue
        if day > today:
            errors.append((name, str(_("该日期不能晚于今天（%(today)s）") % {"today": today})))
        elif previous is not None and day < previous[1]:
            message = _("该日期不能早于上一步骤的日期（%(day)s）") % {"day": previous[1]}
            errors.append((name, str(message)))
        previous = (name, day) if previous is None or day >= previous[1] else previous
    return errors


def check_step_day(
    day: datetime.date, *, steps: Iterable[tuple[str, datetime.date | None]] = (), name: str = "on"
) -> None:
    """Refuse, as a ValidationError on ``name``, a step's day outside the plausible range, in the future or
    before the step it follows; ``steps`` are the record's earlier steps, oldest first (the services' and
    the go-live import's check of a date entered after the fact)."""
    try:
        DateInRange(past=True)(day)
    except ValidationError as exc:
        raise ValidationError({name: exc.error_list}) from exc
    errors = [message for step, message in step_order_errors([*steps, (name, day)]) if step == name]
    if errors:
        raise ValidationError({name: errors})


def step_moment(day: datetime.date) -> datetime.datetime:
    """The aware moment stored for a step dated ``day``: now when it is today, else local noon of that day
    (a step entered after the fact: who entered it and when stay in its history)."""
    now = timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
