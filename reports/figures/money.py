"""Deposit, emergency-fund and blacklist figures (flows by date; balances and listings on the last day)."""

import datetime

from django.db.models import Count, Q, Sum

from blacklist.models import BlacklistEntry, IntegrityGrade
from blacklist.selectors import certificates_issued_between, entries_ended_between, entries_listed_between
from deposits.models import DepositEntry, EmergencyAdvance, FundEntry, Guarantee
from projects.models import Project

from .common import ZERO, wan
from .scope import COUNTY, Scope

K = DepositEntry.Kind
PAID = (K.PAID_IN, K.TOPPED_UP)


def deposit_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Paid in / returned / drawn (户 and 万元), the cash balance on ``end``, letters in force: 2 queries."""
    rng = Q(date__range=(start, end))
    inflow = Q(kind__in=[K.OPENING, *PAID])
    outflow = Q(kind__in=DepositEntry.OUTFLOWS)
    row = DepositEntry.objects.filter(scope.q(DepositEntry)).aggregate(
        paid_n=Count("deposit", distinct=True, filter=rng & Q(kind__in=PAID)),
        paid=Sum("amount", filter=rng & Q(kind__in=PAID)),
        returned_n=Count("deposit", distinct=True, filter=rng & Q(kind=K.RETURNED)),
        returned=Sum("amount", filter=rng & Q(kind=K.RETURNED)),
        drawn_n=Count("deposit", distinct=True, filter=rng & Q(kind=K.DRAWN)),
        drawn=Sum("amount", filter=rng & Q(kind=K.DRAWN)),
        balance_in=Sum("amount", filter=inflow & Q(date__lte=end)),
        balance_out=Sum("amount", filter=outflow & Q(date__lte=end)),
    )
    letters = (
        Guarantee.objects.in_force(end)
        .filter(scope.q(DepositEntry))
        .aggregate(n=Count("pk"), amount=Sum("amount"))
    )
    balance = (row.pop("balance_in") or ZERO) - (row.pop("balance_out") or ZERO)
    for key in ("paid", "returned", "drawn"):
        row[key] = wan(row[key])
    row.update(
        balance=wan(balance),
        balance_yuan=balance,
        guarantees=letters["n"],
        guarantee_amount=wan(letters["amount"]),
    )
    return row


def fund_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Emergency-fund advances paid and recovered in the range (one query)."""
    q = scope.q(EmergencyAdvance, via="advance")
    rng = Q(date__range=(start, end))
    row = FundEntry.objects.filter(q, advance__isnull=False).aggregate(
        advances=Count("advance", distinct=True, filter=rng & Q(kind=FundEntry.Kind.ADVANCE)),
        advanced=Sum("amount", filter=rng & Q(kind=FundEntry.Kind.ADVANCE)),
        recovered=Sum("amount", filter=rng & Q(kind=FundEntry.Kind.RECOVERY)),
    )
    return {"advances": row["advances"], "advanced": wan(row["advanced"]), "recovered": wan(row["recovered"])}


def _enterprises(qs, scope: Scope, field: str = "enterprise_id"):
    """Outside the county scope: the contractors and builders of the scope's projects."""
    if scope.kind == COUNTY:
        return qs
    projects = Project.objects.filter(scope.q(Project))
    ids = Q(**{f"{field}__in": projects.values("contractor_id")}) | Q(
        **{f"{field}__in": projects.values("builder_id")}
    )
    return qs.filter(ids)


def blacklist_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Prior notices served (事先告知书), added, removed, in force on ``end``; grades of ``end``'s year;
    certificates issued: 6 queries."""
    grades = dict.fromkeys("ABC", 0)
    rows = (
        _enterprises(IntegrityGrade.objects.filter(year=end.year), scope)
        .values_list("override_grade", "computed_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for override, computed, n in rows:
        grades[override or computed] += n
    return {
        "noticed": _enterprises(
            BlacklistEntry.objects.filter(notice_date__range=(start, end)), scope
        ).count(),
        "added": _enterprises(entries_listed_between(since=start, until=end), scope).count(),
        "removed": _enterprises(entries_ended_between(since=start, until=end), scope).count(),
        "in_force": _enterprises(BlacklistEntry.objects.listed_on(end), scope).count(),
        "grades": [{"grade": g, "n": n} for g, n in grades.items()],
        "grade_year": end.year,
        "certificates": _enterprises(certificates_issued_between(since=start, until=end), scope).count(),
    }
