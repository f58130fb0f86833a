"""Filters every page writes money and ratios with (the rule: ``wagewatch/lib/amounts.py``).

``{% load amounts %}``, then ``{{ x|yuan }}`` → "40,000,000.00 元", ``{{ x|money }}`` → "40,000,000.00"
(no unit: the column header carries it, 元, or 万元 for a figure already in 万元), ``{{ x|wan }}`` →
"4,000.00 万元", ``{{ x|wan_num }}`` → "4,000.00", ``{{ r|pct }}`` → "20.0%", ``{{ n|num }}`` → "12,345".
None or a non-number gives "—".
"""

from django import template
from django.utils.translation import gettext as _

from wagewatch.lib import amounts

register = template.Library()


def _with_unit(text: str, unit: str) -> str:
    return text if text == amounts.MISSING else f"{text} {unit}"


@register.filter
def yuan(value: object) -> str:
    return _with_unit(amounts.yuan_text(value), _("元"))


@register.filter
def money(value: object) -> str:
    return amounts.yuan_text(value)


@register.filter
def wan(value: object) -> str:
    return _with_unit(amounts.wan_text(value), _("万元"))


@register.filter
def wan_num(value: object) -> str:
    return amounts.wan_text(value)


@register.filter
def pct(value: object, places: int = 1) -> str:
    return amounts.pct_text(value, int(places))


@register.filter
def num(value: object) -> str:
    return amounts.count_text(value)
