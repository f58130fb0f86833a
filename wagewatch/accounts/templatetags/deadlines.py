"""{% due_in due kind %}: how far a running deadline is, the one way every page shows it.

Overdue reads "超期 N 个工作日" in red, near "剩 N 个工作日" (or "今日到期") in amber, later in plain text;
never a negative number. Cases and hazards count working days (wagewatch.lib.workdays), enforcement orders
and key tasks calendar days, each kind with its own "soon" setting.
"""

import datetime
from collections.abc import Callable

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagewatch.lib import config
from wagewatch.lib.workdays import workdays_between

register = template.Library()

# kind -> (counts working days, the number of days ahead that is "soon")
KINDS: dict[str, tuple[bool, Callable[[], int]]] = {
    "case": (True, config.COMPLAINT_DUE_SOON_WORKDAYS),
    "hazard": (True, config.HAZARD_DUE_SOON_WORKDAYS),
    "order": (False, config.ORDER_DUE_SOON_DAYS),
    "task": (False, config.TASK_DUE_SOON_DAYS),
}


def days_to(due: datetime.date, kind: str, today: datetime.date | None = None) -> int:
    """Days (working days for cases and hazards) from today to ``due``; negative once it has passed."""
    today = today or timezone.localdate()
    return workdays_between(today, due) if KINDS[kind][0] else (due - today).days


def _text(n: int, workdays: bool) -> str:
    if n == 0:
        return _("今日到期")
    if workdays:
        if n < 0:
            return ngettext("超期 %(n)d 个工作日", "超期 %(n)d 个工作日", -n) % {"n": -n}
        return ngettext("剩 %(n)d 个工作日", "剩 %(n)d 个工作日", n) % {"n": n}
    if n < 0:
        return ngettext("超期 %(n)d 天", "超期 %(n)d 天", -n) % {"n": -n}
    return ngettext("剩 %(n)d 天", "剩 %(n)d 天", n) % {"n": n}


@register.simple_tag
def due_in(due: datetime.date | None, kind: str, done: object = False) -> SafeString:
    """``due`` of a ``kind`` (case, hazard, order, task) as a coloured span; empty once ``done``."""
    if due is None or done:
        return SafeString("")
    workdays, soon = KINDS[kind]
    n = days_to(due, kind)
    css = "due-overdue" if n < 0 else "due-soon" if n <= soon() else "due-later"
    return format_html('<span class="due {}">{}</span>', css, _text(n, workdays))
