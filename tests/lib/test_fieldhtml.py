"""The filter bars' fields rendered without the widget templates are the HTML the templates write."""

import pytest
from django.template import Context, Template
from django.utils import translation

from complaints.filters import ComplaintFilter, TypicalCaseFilter
from projects.filters import InspectionFilter
from reports.forms_tasks import TaskFilterForm
from risk.forms import HazardFilterForm
from wagewatch.accounts.models import Township
from wagewatch.lib.fieldhtml import field_html

LOOP = Template("{% for field in form %}<label>{{ field.label }}{{ field }}</label>{% endfor %}")
TAG = Template("{% load listing %}{% filter_fields form %}")
FORMS = [
    ComplaintFilter._meta.form,
    InspectionFilter._meta.form,
    TypicalCaseFilter._meta.form,
    HazardFilterForm,
]


def _data(form_class, township) -> list[dict]:
    """No data; every field given a value the form accepts or rejects; unsafe text."""
    full = {}
    for name, field in form_class.base_fields.items():
        choices = [str(v) for v, _label in getattr(field, "choices", []) if v != ""]
        is_date = "date" in type(field).__name__.lower()
        full[name] = choices[-1] if choices else "2026-07-01" if is_date else "x"
        if name == "township":
            full[name] = str(township.pk)
    bad = {name: '"<b>&' for name in form_class.base_fields}
    return [{}, full, bad]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [*FORMS, TaskFilterForm])
def test_filter_fields_render_as_the_widget_templates(form_class, office):
    township = Township.objects.create(name='东"<城>')
    with translation.override("zh-hans"):
        for data in _data(form_class, township):
            kwargs = {"user": office} if form_class is TaskFilterForm else {}
            form = form_class(data or None, **kwargs)
            form.is_valid()
            assert TAG.render(Context({"form": form})) == LOOP.render(Context({"form": form}))
            for bf in form:
                assert field_html(bf) == str(bf), bf.name
