"""List helpers for templates: sortable column headers, page numbers with ellipsis, the jump form's fields."""

from collections.abc import Iterable

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from wagewatch.lib.fieldhtml import labelled_fields

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, column: str, label: object) -> str:
    """A column header linking to the list sorted by ``column`` (again: reversed), keeping the filters."""
    request = context["request"]
    current = request.GET.get("sort", "")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("after", None)
    query["sort"] = f"-{column}" if current == column else column
    arrow = {column: " ▲", f"-{column}": " ▼"}.get(current, "")
    return format_html('<a class="sort" href="?{}">{}{}</a>', query.urlencode(), label, arrow)


@register.simple_tag
def page_numbers(page: Page) -> list:
    """Page numbers around the current one, the first and the last, with … where some are left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def query_pairs(query: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a query string, for the hidden fields of a GET form that keeps them."""
    return [(k, v) for k, values in QueryDict(query or "").lists() for v in values if k != "page"]


@register.simple_tag
def filter_fields(fields: Iterable[BoundField]) -> SafeString:
    """A filter form's fields, each in its label: ``<label>{{ field.label }}{{ field }}</label>``, rendered
    without the widget templates (wagewatch.lib.fieldhtml)."""
    return labelled_fields(fields)
