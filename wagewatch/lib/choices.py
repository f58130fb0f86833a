"""``get_FOO_display()`` from a table built once per field and language.

Django's own ``Model._get_FIELD_display`` rebuilds ``dict(make_hashable(field.flatchoices))`` on every call,
hashing each lazily translated label (a gettext call per label): on the project list (50 rows, three
displays each) that was a quarter of the page's time (bench/load.py, issue 19). The table here holds the
same labels, translated once per language; a value outside the choices shows as itself, as Django's does.
"""

from functools import partialmethod
from typing import Any

from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_MISSING = object()
_DJANGOS = getattr(Model, "_get_FIELD_display")  # noqa: B009 (private: not in the stubs)
_tables: dict[tuple[Field, str | None], dict[Any, Any]] = {}


def display(instance: Model, field: Field) -> Any:
    value = getattr(instance, field.attname)
    key = (field, get_language())
    table = _tables.get(key)
    if table is None:
        table = _tables[key] = {
            make_hashable(k): force_str(v, strings_only=True) for k, v in field.flatchoices
        }
    try:
        label = table.get(value, _MISSING)
    except TypeError:  # an unhashable value (a JSON field with choices)
        label = table.get(make_hashable(value), _MISSING)
    return force_str(value, strings_only=True) if label is _MISSING else label


def install(models: "list[type[Model]]") -> int:
    """Give these models' ``get_FOO_display`` the table above where it is still Django's default (a model's
    own override stays). Returns how many were installed."""
    installed = 0
    for model in models:
        for field in model._meta.get_fields():
            if not isinstance(field, Field) or not field.choices or field.model is not model:
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is _DJANGOS:
                setattr(model, name, partialmethod(display, field=field))
                installed += 1
    return installed
