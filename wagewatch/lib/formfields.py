"""A form's own field, typed: ``form.fields[name]`` is a copy of the declared field, which the type checker
knows only as ``forms.Field``; a form narrowing a queryset or its choices reaches it through ``field_of``."""

from typing import TypeVar

from django import forms

_F = TypeVar("_F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """The field ``name`` of ``form``, which must be a ``kind`` (e.g. ``forms.ModelChoiceField``)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
