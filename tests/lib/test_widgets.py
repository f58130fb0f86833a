"""<input type="date"> takes ISO dates only: a date widget rendering a value in the zh-hans input format
(2026/07/01) shows a blank field, so an edit form or a default of today comes up empty."""

import datetime
import importlib
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from blacklist.forms import RemoveForm
from complaints.forms import AcceptForm, ClaimantForm
from golive.forms import GoLiveUploadForm
from risk.forms import HazardCloseForm

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date(2026, 7, 1)
FORM_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for pattern in ("*/forms*.py", "wagewatch/*/forms*.py")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
ISO = {"date": "%Y-%m-%d", "month": "%Y-%m"}


def _date_widgets():
    """(form, field, widget) of every date or month input declared by a form of the project."""
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, forms.BaseForm) and form.__module__ == name):
                continue
            for field_name, field in form.base_fields.items():
                if getattr(field.widget, "input_type", "") in ISO:
                    yield f"{name}.{form.__name__}.{field_name}", field.widget


def test_the_form_modules_are_found():
    assert "complaints.forms" in FORM_MODULES and "reports.forms_tasks" in FORM_MODULES


def test_every_date_and_month_input_renders_iso():
    wrong = [where for where, widget in _date_widgets() if widget.format != ISO[widget.input_type]]
    assert wrong == []


@pytest.mark.parametrize(
    ("form", "name"),
    [
        (lambda: AcceptForm(initial={"on": DAY}), "on"),
        (lambda: RemoveForm(initial={"arrears_paid_on": DAY}), "arrears_paid_on"),
        (lambda: HazardCloseForm(initial={"on": DAY}), "on"),
        (lambda: GoLiveUploadForm(initial={"as_of": DAY}), "as_of"),
    ],
)
def test_a_date_shown_again_in_zh_hans_keeps_its_value(form, name):
    with translation.override("zh-hans"):
        html = str(form()[name])
    assert 'value="2026-07-01"' in html


def test_a_month_shown_again_in_zh_hans_keeps_its_value():
    with translation.override("zh-hans"):
        html = str(ClaimantForm(initial={"month_from": DAY})["month_from"])
    assert 'value="2026-07"' in html
