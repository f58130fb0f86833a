"""A small county for report tests: projects with cases, hazards, deposit entries, orders, inspections."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from complaints.models import Complaint, EnforcementOrder
from deposits.models import DepositEntry, WageDeposit
from golive.models import GoLive
from projects.models import Hazard, Inspection, LabourCostTransfer, Payroll, Project, RiskRule
from tests.complaints.factories import make_complaint
from tests.projects.factories import make_project

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
_seq = itertools.count(50_000)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def rule() -> RiskRule:
    return RiskRule.objects.get_or_create(code="TEST_RULE", defaults={"name": "测试规则"})[0]


def populate(project: Project, i: int) -> None:
    """One project's year: a case filed in range (closed or not), hazards, deposit money, an order."""
    day = START + datetime.timedelta(days=i % 80)
    make_complaint(
        project=project, received_at=at(day), accepted_on=day, filed_on=day, status=Complaint.Status.FILED,
        close_due=day + datetime.timedelta(days=80), channel=Complaint.Channel.choices[i % 6][0],
    )  # fmt: skip
    make_complaint(
        project=project, received_at=at(START - datetime.timedelta(days=30)), status=Complaint.Status.CLOSED,
        accepted_on=START - datetime.timedelta(days=29), filed_on=START - datetime.timedelta(days=28),
        close_due=day, closed_on=day, outcome=Complaint.Outcome.MEDIATED,
        amount_recovered=Decimal("12345.67"), workers_paid=3, group_incident=i % 5 == 0,
    )  # fmt: skip
    Hazard.objects.create(
        project=project, rule=rule(), severity=1 + i % 2, department=project.department,
        opened_at=at(START - datetime.timedelta(days=5)), deadline=START,
    )  # fmt: skip
    Hazard.objects.create(
        project=project, rule=rule(), severity=2, department=project.department, status=Hazard.Status.CLOSED,
        opened_at=at(day), deadline=END, closed_at=at(day + datetime.timedelta(days=3)),
    )  # fmt: skip
    deposit = WageDeposit.objects.create(project=project, balance=Decimal("80000"))
    DepositEntry.objects.create(
        deposit=deposit, kind=DepositEntry.Kind.PAID_IN, amount=Decimal("100000"), date=day
    )
    order = EnforcementOrder.objects.create(
        kind=EnforcementOrder.Kind.PAY, year=2026, seq=next(_seq), enterprise=project.contractor,
        project=project, township=project.township, requirement="支付工资", issued_on=day,
        deadline=day + datetime.timedelta(days=5),
    )  # fmt: skip
    if i % 3 == 0:
        DepositEntry.objects.create(
            deposit=deposit, kind=DepositEntry.Kind.DRAWN, amount=Decimal("20000"), date=END, order=order
        )
    Inspection.objects.create(project=project, date=day)
    month = datetime.date(2026, 8, 1)
    LabourCostTransfer.objects.create(project=project, month=month, amount=1000, transferred_on=END)
    Payroll.objects.create(
        project=project, month=month, attended=10, paid=10 if i % 4 else 8, gross=1, net=1,
        paid_on=datetime.date(2026, 9, 10), via_account=bool(i % 2),
    )  # fmt: skip


def county(n: int, townships, department, *, offset: int = 0) -> list[Project]:
    """``n`` populated projects spread over ``townships``; the county went live before the quarter, so
    its stocks are known at the quarter's start (a quarter before any sweep: tests/reports/test_grades.py)."""
    if not GoLive.objects.exists():
        GoLive.objects.create(as_of=START - datetime.timedelta(days=60))
    out = []
    for i in range(offset, offset + n):
        project = make_project(
            townships[i % len(townships)], department, start_date=datetime.date(2026, 3, 1),
            contract_date=datetime.date(2026, 2, 1), notice_board=bool(i % 2),
        )  # fmt: skip
        populate(project, i)
        out.append(project)
    return out
