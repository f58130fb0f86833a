"""{% once_token %}: the hidden one-time token of a form that writes money or a numbered document."""

from typing import Any

from django import template
from django.utils.html import format_html

from wagewatch.accounts.once import FIELD, issue

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context: dict[str, Any]) -> str:
    request = context.get("request")
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, issue(getattr(request, "user", None))
    )
