"""get_FOO_display from a table per field and language (wagewatch/lib/choices.py) gives what Django's own
gives, for every model field with choices, in both languages."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Field, Model
from django.utils import translation

from wagewatch.lib import choices


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, Field) and field.choices and field.model is model:
                yield model, field


def test_every_default_display_is_the_table():
    found = list(_fields_with_choices())
    assert len(found) > 30  # the county's statuses, kinds, roles …
    for model, field in found:
        method = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(method, partialmethod) and method.func is choices.display, (model, field.name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_same_labels_as_django(language):
    with translation.override(language):
        for model, field in _fields_with_choices():
            for value, _label in field.flatchoices:
                instance = model.__new__(model)
                setattr(instance, field.attname, value)
                assert choices.display(instance, field) == Model._get_FIELD_display(instance, field)


def test_language_switch_and_unknown_value():
    from projects.models import Project

    project = Project(status=Project.Status.BUILDING)
    with translation.override("zh-hans"):
        chinese = project.get_status_display()
    with translation.override("en"):
        english = project.get_status_display()
    assert chinese != english and english.isascii()
    project.status = "no-such-status"
    assert project.get_status_display() == "no-such-status"
    project.risk_grade = 7
    assert project.get_risk_grade_display() == 7  # as Django's: the value itself, not made a string
