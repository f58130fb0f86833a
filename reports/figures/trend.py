"""The 12-month trend up to the report's last month: cases received, hazards opened and open at each
month's end, deposit balance at each month's end. Three queries whatever the number of months' data."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from complaints.models import Complaint
from deposits.models import DepositEntry
from projects.models import Hazard
from wagewatch.lib.periods import month_bounds

from .common import ZERO, wan
from .hazards import open_at
from .scope import Scope, day_after, day_start

MONTHS = 12


def trend_figures(scope: Scope, end: datetime.date) -> list[dict]:
    bounds = month_bounds(end, MONTHS)
    cases, opened, balance = {}, {}, {}
    for i, (first, last) in enumerate(bounds):
        lo, hi = day_start(first), day_after(last)
        cases[f"r{i}"] = Count("pk", filter=Q(received_at__gte=lo, received_at__lt=hi))
        opened[f"o{i}"] = Count("pk", filter=Q(opened_at__gte=lo, opened_at__lt=hi))
        opened[f"s{i}"] = Count("pk", filter=open_at(hi))
        balance[f"i{i}"] = Sum("amount", filter=Q(date__lte=last) & ~Q(kind__in=DepositEntry.OUTFLOWS))
        balance[f"x{i}"] = Sum("amount", filter=Q(date__lte=last, kind__in=DepositEntry.OUTFLOWS))
    c = Complaint.objects.filter(scope.q(Complaint)).aggregate(**cases)
    h = Hazard.objects.filter(scope.q(Hazard)).aggregate(**opened)
    d = DepositEntry.objects.filter(scope.q(DepositEntry)).aggregate(**balance)
    return [
        {
            "month": first,
            "last": last,
            # translators: a date format (Django's "date" filter): n = month number, M = "Jan"
            "label": date_format(first, _("n月")),
            "received": c[f"r{i}"],
            "opened": h[f"o{i}"],
            "open": h[f"s{i}"],
            "balance": wan((d[f"i{i}"] or ZERO) - (d[f"x{i}"] or ZERO)),
        }
        for i, (first, last) in enumerate(bounds)
    ]
