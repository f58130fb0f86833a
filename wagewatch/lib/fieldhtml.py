"""A filter form's fields as HTML without Django's template-based widget renderer.

A list page's filter bar shows a dozen inputs and selects; rendering each through the widget templates
(input.html, attrs.html, select.html, one select_option.html per choice) was a fifth of the case
ledger's CPU. ``field_html`` writes the same HTML as ``str(bound_field)`` for the stock input and select
templates from the widget's own context (its value, attributes and options); any other widget, a
localized field or a field with a hidden initial goes through ``str()`` as before. (The renderer strips
a widget's output but not an included option's: each option keeps the newline its template ends with.)
"""

from collections.abc import Iterable
from typing import Any

from django.forms import BoundField
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe

_W = "django/forms/widgets/"
INPUTS = frozenset(
    f"{_W}{name}.html"
    for name in (
        *("input", "text", "date", "datetime", "time", "number"),
        *("email", "url", "search", "checkbox", "hidden"),
    )
)
SELECT = f"{_W}select.html"
OPTION = f"{_W}select_option.html"


def _s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the text, escaped unless it was safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value: Any) -> str:
    """``{{ value }}`` in a template: localized, escaped unless safe."""
    return str(conditional_escape(localize(value)))


def field_html(bf: BoundField) -> str:
    """``str(bf)``: the field's widget as HTML."""
    widget = bf.field.widget
    template = widget.template_name
    if (template not in INPUTS and template != SELECT) or bf.field.localize or bf.field.show_hidden_initial:
        return str(bf)
    attrs = bf.build_widget_attrs({}, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    w = widget.get_context(bf.html_name, bf.value(), attrs)["widget"]
    if template in INPUTS:
        value = "" if w["value"] is None else f' value="{_s(w["value"])}"'
        return f'<input type="{_text(w["type"])}" name="{_text(w["name"])}"{value}{_attrs(w["attrs"])}>'
    out = [f'<select name="{_text(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return str(bf)
            value, label = _s(option["value"]), _text(option["label"])
            out.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def labelled_fields(fields: Iterable[BoundField]) -> SafeString:
    """``{% for field in fields %}<label>{{ field.label }}{{ field }}</label>{% endfor %}``."""
    return mark_safe("".join(f"<label>{_text(bf.label)}{field_html(bf)}</label>" for bf in fields))
