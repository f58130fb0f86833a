"""Complaint, inspection and order figures (flows by the date of each step; overdue cases at the end)."""

import datetime
import operator
from collections.abc import Mapping
from functools import reduce
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from complaints import selectors as complaint_selectors
from complaints.models import Complaint, EnforcementOrder
from projects.models import Inspection, Project
from projects.models.inspections import SITE_CHECKS

from .common import ZERO, rate, wan
from .scope import Scope, day_after, day_start

CLOSED = Complaint.Status.CLOSED


def overdue_at(end: datetime.date) -> Q:
    """Cases overdue on ``end``: filed, not closed by then, past the closing deadline; or never accepted
    (still received today) past the acceptance deadline."""
    filed = Q(filed_on__lte=end, close_due__lt=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    unanswered = Q(status=Complaint.Status.RECEIVED, accept_due__lt=end, received_at__lt=day_after(end))
    return filed | unanswered


def open_at(day: datetime.date) -> Q:
    """Cases open at the end of ``day`` (a stock): received by then, not closed by then, not refused."""
    return (
        Q(received_at__lt=day_after(day))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        & ~Q(status=Complaint.Status.REFUSED)
    )


# the outcomes of cases closed in the range (不予受理 apart: a refusal has no closing date, see below)
CLOSED_OUTCOMES = [o for o in Complaint.Outcome if o != Complaint.Outcome.REFUSED]


def _breakdown(prefix: str, field: str, choices: Any, when: Q) -> dict[str, Count]:
    """One conditional count per choice (every choice, zero included), inside the one aggregate."""
    return {f"{prefix}_{value}": Count("pk", filter=when & Q(**{field: value})) for value in choices.values}


def _rows(row: dict, prefix: str, choices: Any) -> list[dict]:
    """[{key, label, n, rate}] of a breakdown of the cases received, in the order of the choices (rate: the
    share of the cases received)."""
    out = []
    for value, label in choices.choices:
        n = row.pop(f"{prefix}_{value}")
        out.append({"key": value, "label": str(label), "n": n, "rate": rate(n, row["received"])})
    return out


def complaint_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Received, accepted, filed, closed, rates, workers, money; by channel, kind, sector (received) and
    outcome (closed); group incidents; typical cases published: 1 query.

    A typical case (one per case, so its join adds no row) counts by its publication date, whether or not
    it was withdrawn later: it was published in the range (the office list filtered by that date)."""
    lo, hi = day_start(start), day_after(end)
    received = Q(received_at__gte=lo, received_at__lt=hi)
    closed = Q(status=CLOSED, closed_on__range=(start, end))
    filed = Q(filed_on__range=(start, end))
    on_time = closed & (Q(close_due__isnull=True) | Q(closed_on__lte=F("close_due")))
    group = received & Q(group_incident=True)
    qs = Complaint.objects.filter(scope.q(Complaint))
    row = qs.aggregate(
        received=Count("pk", filter=received),
        accepted=Count("pk", filter=Q(accepted_on__range=(start, end))),
        refused=Count("pk", filter=received & Q(status=Complaint.Status.REFUSED)),
        filed=Count("pk", filter=filed),
        filed_closed=Count("pk", filter=filed & Q(status=CLOSED, closed_on__lte=end)),
        closed=Count("pk", filter=closed),
        closed_on_time=Count("pk", filter=on_time),
        workers=Sum("workers_paid", filter=closed),
        recovered=Sum("amount_recovered", filter=closed),
        group_incidents=Count("pk", filter=group),
        group_workers=Sum("workers_involved", filter=group),
        criminal=Count("pk", filter=closed & Q(outcome=Complaint.Outcome.CRIMINAL)),
        overdue_end=Count("pk", filter=overdue_at(end)),
        typical_published=Count("typical_case", filter=Q(typical_case__published_on__range=(start, end))),
        open_start=Count("pk", filter=open_at(start - datetime.timedelta(days=1))),
        open_end=Count("pk", filter=open_at(end)),
        **_breakdown("channel", "channel", Complaint.Channel, received),
        **_breakdown("kind", "kind", Complaint.Kind, received),
        **_breakdown("sector", "sector", Complaint.Sector, received),
        **{f"outcome_{o.value}": Count("pk", filter=closed & Q(outcome=o)) for o in CLOSED_OUTCOMES},
    )  # fmt: skip
    return _finish(row)


def _finish(row: dict) -> dict:
    """Money in 万元, rates, and the breakdowns as rows."""
    received = row["received"]
    row["workers"] = row["workers"] or 0
    row["recovered_yuan"] = row["recovered"] or ZERO
    row["recovered"] = wan(row["recovered_yuan"])
    row["closure_rate"] = rate(row["filed_closed"], row["filed"])
    row["on_time_rate"] = rate(row["closed_on_time"], row["closed"])
    row["group_workers"] = row["group_workers"] or 0
    row["group_rate"] = rate(row["group_incidents"], received)
    row["channels"] = _rows(row, "channel", Complaint.Channel)
    row["kinds"] = _rows(row, "kind", Complaint.Kind)
    row["sectors"] = _rows(row, "sector", Complaint.Sector)
    # received in the range, sector not yet known (a public case without project or known employer)
    row["sector_unknown"] = received - sum(r["n"] for r in row["sectors"])
    construction = next(r for r in row["sectors"] if r["key"] == Complaint.Sector.CONSTRUCTION)
    row["construction_rate"] = construction["rate"]
    row["outcomes"] = [
        {"key": o.value, "label": str(o.label), "n": row.pop(f"outcome_{o.value}")} for o in CLOSED_OUTCOMES
    ]
    # 不予受理 has no date of its own: refused cases received in the range (due within 5 working days)
    refused = Complaint.Outcome.REFUSED
    row["outcomes"].append({"key": refused.value, "label": str(refused.label), "n": row["refused"]})
    return row


def overdue_by_unit(scope: Scope, end: datetime.date) -> list[Mapping[str, Any]]:
    """Cases overdue on ``end`` per (township, project department), for the rankings (one query)."""
    return list(
        Complaint.objects.filter(scope.q(Complaint))
        .filter(overdue_at(end))
        .values("township_id", "project__department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def enforcement_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Inspections by their date (of projects and of employers without one, employers checked, money and
    workers recovered, site checks failed, by the project's investment type) and orders issued: 2 queries."""
    site = Q(project__isnull=False)
    failed = site & reduce(operator.or_, (Q(**{name: False}) for name in SITE_CHECKS))
    by_type = {
        f"type_{key}": Count("pk", filter=Q(project__investment_type=key))
        for key in Project.Investment.values
    }
    row = Inspection.objects.filter(scope.q(Inspection), date__range=(start, end)).aggregate(
        inspections=Count("pk"),
        of_projects=Count("pk", filter=site),
        of_employers=Count("pk", filter=Q(project__isnull=True)),
        projects=Count("project", distinct=True),
        employers=Count(Coalesce("enterprise_id", "project__contractor_id"), distinct=True),
        employers_without_project=Count("enterprise", distinct=True, filter=Q(project__isnull=True)),
        rectification=Count("pk", filter=Q(rectification_required=True)),
        checks_failed=Count("pk", filter=failed),
        recovered=Sum("amount_recovered"),
        workers_involved=Sum("workers_involved"),
        workers_paid=Sum("workers_paid"),
        **by_type,
    )
    row["by_investment"] = [
        {"key": key, "label": str(label), "n": row.pop(f"type_{key}")}
        for key, label in Project.Investment.choices
    ]
    row["government"] = next(
        r["n"] for r in row["by_investment"] if r["key"] == Project.Investment.GOVERNMENT
    )
    row["recovered_yuan"] = row["recovered"] or ZERO
    row["recovered"] = wan(row["recovered_yuan"])
    row["workers_involved"] = row["workers_involved"] or 0
    row["workers_paid"] = row["workers_paid"] or 0
    return {**row, **order_counts(scope, start, end)}


def order_counts(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Orders issued in the range by kind and interviews held (none counted in a department's scope: an
    interview belongs to a township, not to a department)."""
    if scope.kind == "department":
        row = EnforcementOrder.objects.filter(
            scope.q(EnforcementOrder), issued_on__range=(start, end)
        ).aggregate(
            orders=Count("pk"),
            orders_pay=Count("pk", filter=Q(kind=EnforcementOrder.Kind.PAY)),
            orders_rectify=Count("pk", filter=Q(kind=EnforcementOrder.Kind.RECTIFY)),
        )
        return {**row, "interviews": None}
    township_ids = None
    if scope.kind == "township":
        assert scope.townships  # a township scope names its township(s)
        township_ids = list(scope.townships)
    found = complaint_selectors.enforcement_counts(start=start, end=end, township_ids=township_ids)
    pay, rectify = found["pay_orders"], found["rectify_orders"]
    return {
        "orders_pay": pay,
        "orders_rectify": rectify,
        "orders": pay + rectify,
        "interviews": found["interviews"],
    }
