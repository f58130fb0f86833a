"""Input bounds (issue 14 items 10–12): every form and API serializer refuses, with a Chinese message,
a number its column cannot hold, a date outside the plausible range, a reversed range and an endless text.

The forms and serializers are collected from their modules, so a new one is covered without editing this file.
"""

import datetime
import importlib
import inspect
import re
from decimal import Decimal

import pytest
from django import forms
from django.db import connection, models
from django.utils import timezone
from rest_framework import serializers

from complaints.models import EnforcementOrder
from projects.models import Project

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "projects.forms",
    "risk.forms",
    "deposits.forms",
    "complaints.forms",
    "blacklist.forms",
    "reports.forms",
    "reports.forms_tasks",
    "wagewatch.accounts.forms",
]
API_MODULES = [
    "projects.api",
    "projects.api.feeds",
    "risk.api",
    "deposits.api",
    "complaints.api",
    "blacklist.api",
]
INT32_OVER = 2**31  # one above PostgreSQL's integer column (the widest integer column a form writes)
MONEY_OVER = Decimal(10) ** 14  # one fen above a money column (max_digits 16, decimal_places 2)
HUGE_TEXT = "欠" * (9_500_000 // 3)  # 9.5 MB of UTF-8
CJK = re.compile(r"[\u4e00-\u9fff]")


def _classes(modules, base):
    found = []
    for name in modules:
        module = importlib.import_module(name)
        for _n, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, base)
                and cls.__module__ == module.__name__
                and not cls.__name__.startswith("_")
            ):
                found.append(cls)
    return found


FORMS = _classes(FORM_MODULES, forms.BaseForm)
SERIALIZERS = _classes(API_MODULES, serializers.BaseSerializer)


def _model_field(form_class, name):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    try:
        return model._meta.get_field(name) if model else None
    except Exception:
        return None


def _int_overs(form_class, name):
    values = {INT32_OVER, 99_999_999_999, -(2**31) - 1}
    column = _model_field(form_class, name)
    if isinstance(column, models.IntegerField):
        low, high = connection.ops.integer_field_range(column.get_internal_type())
        values |= {high + 1} | ({low - 1} if low is not None else set())
    return sorted(values)


def _decimal_overs(form_class, name):
    values = {MONEY_OVER, Decimal("1e18"), Decimal("1e20"), -MONEY_OVER}
    column = _model_field(form_class, name)
    if isinstance(column, models.DecimalField):
        values.add(Decimal(10) ** (column.max_digits - column.decimal_places))
    return sorted(values)


def _fields(classes, kind, exclude=(forms.ModelChoiceField,)):
    return [
        pytest.param(cls, name, id=f"{cls.__name__}.{name}")
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, kind) and not isinstance(field, exclude)
    ]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_form(office):
    def _make(form_class, data):
        params = inspect.signature(form_class.__init__).parameters
        extra = {
            "user": office,
            "orders": EnforcementOrder.objects.none(),
            "projects": Project.objects.none(),
        }
        return form_class(data=data, **{k: v for k, v in extra.items() if k in params})

    return _make


def _refused_in_chinese(form, name):
    assert not form.is_valid()
    assert name in form.errors, f"{name}={str(form.data[name])[:40]!r} was accepted"
    assert all(CJK.search(str(m)) for m in form.errors[name]), form.errors[name]


# ---------------------------------------------------------------- item 10: numbers fit their column


@pytest.mark.parametrize(
    ("form_class", "name"), _fields(FORMS, forms.IntegerField, exclude=(forms.DecimalField, forms.FloatField))
)
def test_every_integer_field_refuses_values_its_column_cannot_hold(make_form, form_class, name):
    for value in _int_overs(form_class, name):
        _refused_in_chinese(make_form(form_class, {name: str(value)}), name)


@pytest.mark.parametrize(("form_class", "name"), _fields(FORMS, forms.DecimalField))
def test_every_decimal_field_refuses_values_its_column_cannot_hold(make_form, form_class, name):
    for value in _decimal_overs(form_class, name):
        _refused_in_chinese(make_form(form_class, {name: str(value)}), name)


def test_the_largest_value_a_column_holds_is_accepted(make_form):
    from complaints.forms import CloseForm

    form = make_form(
        CloseForm,
        {
            "outcome": "mediated",
            "amount_recovered": "99999999999999.99",
            "workers_paid": 2**31 - 1,
            "confirm": "on",
        },
    )
    assert form.is_valid(), form.errors


# ---------------------------------------------------------------- item 11: plausible dates, ordered ranges


@pytest.mark.parametrize(("form_class", "name"), _fields(FORMS, forms.DateField))
def test_every_date_field_refuses_year_1_and_year_9999(make_form, form_class, name):
    for value in ("0001-01-01", "9999-12-31", "1989-12-31"):
        _refused_in_chinese(make_form(form_class, {name: value}), name)


PAST_EVENTS = [
    ("projects.forms.ProjectForm", "contract_date"),
    ("projects.forms.ProjectForm", "completed_on"),
    ("projects.forms.TransferForm", "transferred_on"),
    ("projects.forms.PayrollForm", "paid_on"),
    ("projects.forms.InspectionForm", "date"),
    ("deposits.forms.EntryForm", "date"),
    ("deposits.forms.AdvanceForm", "date"),
    ("complaints.forms.IntakeForm", "arrears_to"),
    ("complaints.forms.PublicComplaintForm", "arrears_to"),
    ("complaints.forms.ComplyForm", "on"),
    ("complaints.forms.InterviewForm", "held_on"),
    ("blacklist.forms.DecideForm", "on"),
    ("reports.forms_tasks.ProgressForm", "on"),
]
FUTURE_ALLOWED = [
    ("projects.forms.ProjectForm", "planned_finish"),
    ("projects.forms.InspectionForm", "rectification_deadline"),
    ("deposits.forms.GuaranteeForm", "valid_to"),
    ("complaints.forms.OrderForm", "deadline"),
    ("reports.forms_tasks.TaskForm", "deadline"),
    ("reports.forms.ReportForm", "end"),
]


def _cls(path):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(("path", "name"), PAST_EVENTS)
def test_a_past_event_cannot_be_dated_after_today(make_form, path, name):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _refused_in_chinese(make_form(_cls(path), {name: tomorrow.isoformat()}), name)
    assert name not in make_form(_cls(path), {name: timezone.localdate().isoformat()}).errors


@pytest.mark.parametrize(("path", "name"), FUTURE_ALLOWED)
def test_a_due_date_may_lie_ahead_but_not_beyond_the_plausible_range(make_form, path, name):
    ahead = timezone.localdate() + datetime.timedelta(days=400)
    assert name not in make_form(_cls(path), {name: ahead.isoformat()}).errors
    _refused_in_chinese(make_form(_cls(path), {name: "2100-01-01"}), name)


RANGES = [
    ("complaints.forms.IntakeForm", "arrears_from", "arrears_to"),
    ("complaints.forms.PublicComplaintForm", "arrears_from", "arrears_to"),
    ("complaints.forms.FilterForm", "date_from", "date_to"),
    ("deposits.forms.GuaranteeForm", "valid_from", "valid_to"),
    ("projects.forms.ProjectForm", "start_date", "planned_finish"),
    ("projects.forms.RosterEntryForm", "entry_date", "exit_date"),
    ("reports.forms.ReportForm", "start", "end"),
]


@pytest.mark.parametrize(("path", "first", "last"), RANGES)
def test_a_reversed_range_is_refused(make_form, path, first, last):
    form = make_form(_cls(path), {first: "2024-03-01", last: "2024-02-01"})
    assert not form.is_valid()
    messages = form.errors.get(last, []) + form.errors.get("__all__", [])
    assert any((CJK.search(str(m)) and "早于" in str(m)) or "晚于" in str(m) for m in messages), form.errors


# ---------------------------------------------------------------- item 12: text has a length limit


@pytest.mark.parametrize(("form_class", "name"), _fields(FORMS, forms.CharField))
def test_every_text_field_refuses_9_5_megabytes(make_form, form_class, name):
    _refused_in_chinese(make_form(form_class, {name: HUGE_TEXT}), name)


# ---------------------------------------------------------------- API serializers


def _writable(serializer_class):
    ser = serializer_class()
    if not isinstance(ser, serializers.Serializer):
        return {}
    return {n: f for n, f in ser.fields.items() if not f.read_only}


def _serializer_fields(kind):
    return [
        pytest.param(cls, name, id=f"{cls.__name__}.{name}")
        for cls in SERIALIZERS
        for name, field in _writable(cls).items()
        if isinstance(field, kind)
    ]


def _serializer_refuses(serializer_class, name, value):
    ser = serializer_class(data={name: value})
    assert not ser.is_valid()
    assert name in ser.errors, f"{name}={str(value)[:40]!r} was accepted"
    assert all(CJK.search(str(m)) for m in ser.errors[name]), ser.errors[name]


@pytest.mark.parametrize(("serializer_class", "name"), _serializer_fields(serializers.IntegerField))
def test_every_serializer_integer_refuses_overflow(serializer_class, name):
    for value in (INT32_OVER, 99_999_999_999, -(2**31) - 1):
        _serializer_refuses(serializer_class, name, value)


@pytest.mark.parametrize(("serializer_class", "name"), _serializer_fields(serializers.DecimalField))
def test_every_serializer_decimal_refuses_overflow(serializer_class, name):
    for value in ("1e20", "1e18", str(MONEY_OVER)):
        _serializer_refuses(serializer_class, name, value)


@pytest.mark.parametrize(("serializer_class", "name"), _serializer_fields(serializers.DateField))
def test_every_serializer_date_refuses_year_1_and_9999(serializer_class, name):
    for value in ("0001-01-01", "9999-12-31"):
        _serializer_refuses(serializer_class, name, value)


@pytest.mark.parametrize(("serializer_class", "name"), _serializer_fields(serializers.CharField))
def test_every_serializer_text_refuses_9_5_megabytes(serializer_class, name):
    _serializer_refuses(serializer_class, name, HUGE_TEXT)


def test_a_transfer_cannot_be_dated_after_today():
    from projects.api.feeds import TransferItemSerializer

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _serializer_refuses(TransferItemSerializer, "transferred_on", tomorrow.isoformat())


# ---------------------------------------------------------------- one home


def test_every_form_and_serializer_takes_its_bounds_from_the_kernel():
    from wagewatch.lib.bounds import BoundedFormMixin, BoundedSerializerMixin

    assert FORMS and SERIALIZERS
    assert [f.__name__ for f in FORMS if not issubclass(f, BoundedFormMixin)] == []
    assert [s.__name__ for s in SERIALIZERS if not issubclass(s, BoundedSerializerMixin)] == []


# ---------------------------------------------------------------- the settings


def test_the_plausible_range_is_the_setting(settings, make_form):
    from complaints.forms import ComplyForm

    assert make_form(ComplyForm, {"on": "1999-12-31"}).is_valid()
    settings.WAGEWATCH = {**settings.WAGEWATCH, "DATE_MIN_YEAR": 2000, "TEXT_MAX_LENGTH": 5}
    _refused_in_chinese(make_form(ComplyForm, {"on": "1999-12-31"}), "on")
    from complaints.forms import ReferForm

    _refused_in_chinese(make_form(ReferForm, {"note": "一二三四五六"}), "note")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATE_MIN_YEAR": "1800"}, "DATE_MIN_YEAR"),
        ({"DATE_MIN_YEAR": "3000"}, "DATE_MIN_YEAR"),
        ({"DATE_MIN_YEAR": "nineteen"}, "DATE_MIN_YEAR"),
        ({"DATE_MAX_YEARS_AHEAD": "0"}, "DATE_MAX_YEARS_AHEAD"),
        ({"TEXT_MAX_LENGTH": "-1"}, "TEXT_MAX_LENGTH"),
    ],
)
def test_a_bad_bound_setting_stops_startup_naming_it(env, named):
    from tests.accounts.test_settings import _start

    proc = _start(DEBUG="1", **env)
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert named in proc.stderr.splitlines()[-1]


# ---------------------------------------------------------------- the admin's edit forms


def test_admin_edit_forms_are_bounded_too(rf, admin):
    from django.contrib import admin as django_admin

    from projects.models import Inspection

    request = rf.get("/")
    request.user = admin
    form_class = django_admin.site._registry[Inspection].get_form(request)
    form = form_class(data={"findings": HUGE_TEXT, "rectification_deadline": "9999-12-31"})
    _refused_in_chinese(form, "findings")
    _refused_in_chinese(form, "rectification_deadline")
    ahead = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert "rectification_deadline" not in form_class(data={"rectification_deadline": ahead}).errors


def test_step_dates_may_not_lie_ahead_nor_before_the_step_they_follow():
    import datetime

    from wagewatch.lib.bounds import step_order_errors

    d = datetime.date
    today = d(2026, 12, 4)
    ok = [("received", d(2026, 11, 1)), ("accepted", None), ("filed", d(2026, 11, 1)), ("closed", today)]
    assert step_order_errors(ok, today=today) == []
    bad = [("received", d(2026, 11, 10)), ("accepted", d(2026, 11, 9)), ("closed", d(2026, 12, 5))]
    errors = step_order_errors(bad, today=today)
    assert [name for name, _m in errors] == ["accepted", "closed"]
    assert "2026-11-10" in errors[0][1] and "2026-12-04" in errors[1][1]
