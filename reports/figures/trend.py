"""The 12-month trend up to the report's last month: cases received, hazards opened and open at each
month's end, deposit balance at each month's end. Three queries whatever the number of months' data."""

import datetime

from django.db.models import Count, Q, Sum

from complaints.models import Complaint
from deposits.models import DepositEntry
from projects.models import Hazard
from projects.risk.rules import month_start

from .common import ZERO, wan
from .hazards import open_at
from .scope import Scope, day_after, day_start

MONTHS = 12


def month_bounds(end: datetime.date, months: int = MONTHS) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of the ``months`` months ending with ``end``'s month; the last is cut at end."""
    out = []
    for i in range(months - 1, -1, -1):
        first = month_start(end, -i)
        last = min(month_start(first, 1) - datetime.timedelta(days=1), end)
        out.append((first, last))
    return out


def trend_figures(scope: Scope, end: datetime.date) -> list[dict]:
    bounds = month_bounds(end)
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
            "label": f"{first.month}月",
            "received": c[f"r{i}"],
            "opened": h[f"o{i}"],
            "open": h[f"s{i}"],
            "balance": wan((d[f"i{i}"] or ZERO) - (d[f"x{i}"] or ZERO)),
        }
        for i, (first, _last) in enumerate(bounds)
    ]
