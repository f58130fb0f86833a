"""An inspection on its real day (DESIGN §9): never ahead of today; the rectification not before it."""

import datetime

import pytest
from django.utils import timezone

from projects.forms import InspectionForm

pytestmark = pytest.mark.django_db


def _form(**data) -> InspectionForm:
    return InspectionForm({"findings": "", **{k: v.isoformat() for k, v in data.items()}})


def test_inspection_dated_last_week_is_accepted():
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    form = _form(date=last_week, rectified_on=last_week + datetime.timedelta(days=2))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == last_week


def test_inspection_in_the_future_is_a_form_error():
    form = _form(date=timezone.localdate() + datetime.timedelta(days=1))
    assert not form.is_valid() and "不能晚于今天" in str(form.errors["date"])


def test_rectification_before_the_inspection_is_a_form_error():
    today = timezone.localdate()
    form = _form(date=today - datetime.timedelta(days=3), rectified_on=today - datetime.timedelta(days=4))
    assert not form.is_valid() and "不能早于上一步骤的日期" in str(form.errors["rectified_on"])
    form = _form(date=today, rectification_deadline=today - datetime.timedelta(days=1))
    assert not form.is_valid() and form.errors["rectification_deadline"]
