"""What a printed record page carries besides the record (issue 18 item 8): ``{% print_head %}`` a heading
with the county and the print date, ``{% print_sign %}`` the signature line. Both are ``print-only``:
hidden on screen, shown by app.css's ``@media print`` rules, which hide the menus, tabs, forms and buttons.
"""

from typing import Any

from django import template
from django.utils import timezone

from wagewatch.lib import config

register = template.Library()


@register.inclusion_tag("_print_head.html")
def print_head(title: object = "") -> dict[str, Any]:
    return {"county": config.COUNTY_NAME(), "title": title, "printed_on": timezone.localdate()}


@register.inclusion_tag("_print_sign.html")
def print_sign() -> dict[str, Any]:
    return {}
