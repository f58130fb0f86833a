"""Reads for complaint cases and enforcement orders."""

import datetime
from collections.abc import Iterable
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from projects.models import Project
from wagewatch.accounts import roles
from wagewatch.accounts.roles import AnyUser
from wagewatch.lib import config, law
from wagewatch.lib.qr import qr_svg
from wagewatch.lib.sorting import Columns, sorted_by

from .deadlines import due_q
from .filters import ORDER_STATUS, ComplaintFilter, InterviewFilter, OrderFilter, TypicalCaseFilter
from .models import CaseEvent, Complaint, EnforcementOrder, Interview, TypicalCase


class EnforcementCounts(TypedDict):
    """Documents issued in a period (the reports' enforcement figures)."""

    interviews: int
    rectify_orders: int
    pay_orders: int
    criminal_referrals: int


def arrears_enterprise_ids(*, since: datetime.date, until: datetime.date) -> QuerySet[Complaint, int]:
    """Enterprise ids with an arrears record: a case closed in [since, until] with money recovered or
    outcome 立案查处 / 移送公安 (DESIGN §2)."""
    return (
        Complaint.objects.filter(
            status=Complaint.Status.CLOSED,
            closed_on__gte=since,
            closed_on__lte=until,
            respondent__isnull=False,
        )
        .filter(
            Q(amount_recovered__gt=0)
            | Q(outcome__in=[Complaint.Outcome.INVESTIGATED, Complaint.Outcome.CRIMINAL])
        )
        .values_list("respondent_id", flat=True)
        .distinct()
    )


def can_see_reporter(user: AnyUser, complaint: Complaint) -> bool:
    """举报人 identity: the handling inspector, approvers and admins only (劳动保障监察条例 art. 9)."""
    if roles.is_approver(user):
        return True
    return roles.is_inspector(user) and complaint.handler_id == user.pk


# the ledger's sortable columns (?sort=<column> or -<column>): nothing else reaches order_by
CASE_SORTS: Columns = {
    "number": "number",
    "kind": "kind",
    "channel": "channel",
    "received": "received_at",
    "respondent": "respondent_name",
    "project": "project__name",
    "township": "township__sort",
    "workers": "workers_involved",
    "amount": "amount_claimed",
    "status": "status",
}
ORDER_SORTS: Columns = {
    "number": ("year", "seq"),
    "kind": "kind",
    "enterprise": "enterprise__name",
    "township": "township__sort",
    "amount": "amount",
    "issued": "issued_on",
    "served": "served_on",
    "deadline": "deadline",
    "complied": "complied_on",
}


def complaint_list(*, user: AnyUser, filters: dict[str, Any], sort: str = "") -> QuerySet[Complaint]:
    """Cases this user may see, filtered, sorted by a CASE_SORTS column (else newest first); rows carry
    project, township and handler (no N+1)."""
    qs = (
        Complaint.objects.visible_to(user)
        .select_related("project", "township", "handler")
        .defer("complainant_phone", "complainant_id_number", "description")
    )
    return sorted_by(ComplaintFilter.apply(qs, filters), sort, CASE_SORTS, default=("-received_at", "-id"))


def cases_due(user: AnyUser, *, limit: int = 20, township_id: int | None = None) -> list[Complaint]:
    """Open cases of this user due soon or overdue today (in one township if given), overdue first, then by
    their running deadline, for the dashboard (one query)."""
    overdue, soon = due_q(timezone.localdate())
    qs = Complaint.objects.visible_to(user).filter(overdue | soon)
    if township_id is not None:
        qs = qs.filter(township_id=township_id)
    if roles.is_inspector(user):
        qs = qs.filter(Q(handler=user) | Q(handler__isnull=True))
    running = Case(When(status=Complaint.Status.RECEIVED, then=F("accept_due")), default=F("close_due"))
    qs = qs.annotate(is_overdue=Case(When(overdue, then=Value(0)), default=Value(1)), due_for_desk=running)
    return list(qs.select_related("township").order_by("is_overdue", "due_for_desk", "pk")[:limit])


def event_list(*, complaint: Complaint) -> QuerySet[CaseEvent]:
    """The case's timeline, oldest first."""
    return complaint.events.select_related("actor").order_by("at", "id")


def order_list(
    *, user: AnyUser, filters: dict[str, Any], today: datetime.date | None = None, sort: str = ""
) -> QuerySet[EnforcementOrder]:
    """Enforcement orders this user may see, filtered by kind, status, township, year and text, sorted by an
    ORDER_SORTS column (else newest number first)."""
    qs = EnforcementOrder.objects.visible_to(user).select_related(
        "enterprise", "project", "complaint", "township"
    )
    qs = OrderFilter.apply(qs, filters, today=today)
    return sorted_by(qs, sort, ORDER_SORTS, default=("-year", "-seq", "kind"))


def interview_list(
    *, user: AnyUser, filters: dict[str, Any], today: datetime.date | None = None
) -> QuerySet[Interview]:
    """Interviews this user may see, filtered by status (pending/fulfilled/overdue), township, year, text."""
    qs = Interview.objects.visible_to(user).select_related("enterprise", "project", "complaint", "township")
    return InterviewFilter.apply(qs, filters, today=today).order_by("-year", "-seq")


def orders_overdue(
    user: AnyUser, *, limit: int = 20, township_id: int | None = None
) -> list[EnforcementOrder]:
    """Orders past their deadline without compliance that this user may see (in one township if given),
    for the dashboard (one query after the user's profile)."""
    today = timezone.localdate()
    qs = EnforcementOrder.objects.visible_to(user).filter(ORDER_STATUS["overdue"](today))
    if township_id is not None:
        qs = qs.filter(township_id=township_id)
    return list(qs.select_related("enterprise", "township").order_by("deadline", "pk")[:limit])


def enforcement_counts(
    *, start: datetime.date, end: datetime.date, township_ids: Iterable[int] | None = None
) -> EnforcementCounts:
    """Documents issued in [start, end] for the reports: interviews by interview date, orders by issue date,
    criminal referrals by referral date; two queries whatever the data."""
    orders = EnforcementOrder.objects.filter(
        Q(issued_on__gte=start, issued_on__lte=end) | Q(referred_on__gte=start, referred_on__lte=end)
    )
    interviews = Interview.objects.filter(held_on__gte=start, held_on__lte=end)
    if township_ids is not None:
        orders = orders.filter(township_id__in=township_ids)
        interviews = interviews.filter(township_id__in=township_ids)
    issued = Q(issued_on__gte=start, issued_on__lte=end)
    row = orders.aggregate(
        rectify_orders=Count("pk", filter=issued & Q(kind=EnforcementOrder.Kind.RECTIFY)),
        pay_orders=Count("pk", filter=issued & Q(kind=EnforcementOrder.Kind.PAY)),
        criminal_referrals=Count("pk", filter=Q(referred_on__gte=start, referred_on__lte=end)),
    )
    return {
        "interviews": interviews.count(),
        "rectify_orders": row["rectify_orders"],
        "pay_orders": row["pay_orders"],
        "criminal_referrals": row["criminal_referrals"],
    }


def notice_board_context(*, project: Project) -> dict[str, Any]:
    """Everything 条例 art. 34 asks the site notice board to show, plus the QR codes to the public complaint
    form and to the worker's own wage check, both carrying the project."""
    url = f"{settings.SITE_URL}{reverse('complaints:public_project', args=[project.code])}"
    check_url = f"{settings.SITE_URL}{reverse('complaints:wagecheck', args=[project.code])}"
    return {
        "project": project,
        "subcontracts": project.subcontracts.select_related("enterprise").order_by("id"),
        "department": project.department,
        "minimum_wage": law.MINIMUM_WAGE_MONTHLY(),
        "county": config.COUNTY_NAME(),
        "county_phone": config.COUNTY_COMPLAINT_PHONE(),
        "arbitration_phone": config.ARBITRATION_PHONE(),
        "form_url": url,
        "qr": mark_safe(qr_svg(url, scale=6)),
        "check_url": check_url,
        "check_qr": mark_safe(qr_svg(check_url, scale=6)),
    }


def typical_case_list(*, user: AnyUser, filters: dict[str, Any]) -> QuerySet[TypicalCase]:
    """Typical cases this user may see (office staff and admins), filtered, newest first (one query)."""
    qs = TypicalCase.objects.visible_to(user).select_related(
        "complaint", "complaint__township", "published_by"
    )
    return TypicalCaseFilter.apply(qs, filters).order_by("-published_on", "-pk")


def public_typical_cases(*, on: datetime.date) -> QuerySet[TypicalCase]:
    """The typical cases on the public page that day, newest first: their published text only."""
    return (
        TypicalCase.objects.public_on(on)
        .select_related("complaint__township")
        .only(
            "title",
            "summary",
            "enterprise_name",
            "amount_recovered",
            "workers_paid",
            "published_on",
            "complaint__outcome",
            "complaint__township__name",
        )
        .order_by("-published_on", "-pk")
    )


OPEN_CASE_STATUSES = (Complaint.Status.RECEIVED, Complaint.Status.ACCEPTED, Complaint.Status.FILED)
STATE_PANEL_CASES = 10  # shown on the project page's state panel; the complaints tab lists them all


def project_open_cases(*, user: AnyUser, project: Project) -> list[Complaint]:
    """The project's open cases the user may see, soonest deadline first, one more than the panel shows
    (so it can say there are more): one query."""
    cases = Complaint.objects.visible_to(user).filter(project=project, status__in=OPEN_CASE_STATUSES)
    return list(cases.order_by("close_due", "accept_due", "pk")[: STATE_PANEL_CASES + 1])
