"""Risk-sweep test data: healthy projects (every rule quiet) and helpers that break one rule at a time."""

import datetime
from decimal import Decimal

from django.utils import timezone

from deposits.models import WageDeposit
from projects.models import LabourCostTransfer, Payroll, WageAccount
from tests.projects.factories import make_project
from wagewatch.lib.periods import month_start

DAYS_9 = datetime.timedelta(days=9)


def healthy_project(township, department, *, today=None, **kw):
    """A project that breaks no rule: account, monthly transfers and payroll, notice board, deposit paid."""
    today = today or timezone.localdate()
    kw.setdefault("notice_board", True)
    project = make_project(township, department, **kw)
    WageAccount.objects.create(
        project=project, bank="农行", account_number=f"62{project.pk:012d}", opened_on=project.contract_date
    )
    transfers, payrolls = [], []
    month = month_start(project.start_date)
    while month <= month_start(today):
        transfers.append(
            LabourCostTransfer(
                project=project,
                month=month,
                amount=Decimal("200000"),
                transferred_on=min(month + datetime.timedelta(days=4), today),
            )
        )
        if month < month_start(today):
            payrolls.append(
                Payroll(
                    project=project, month=month, attended=20, paid=20, gross=Decimal("100000"),
                    net=Decimal("95000"), paid_on=min(month_start(month, 1) + DAYS_9, today),
                )
            )  # fmt: skip
        month = month_start(month, 1)
    LabourCostTransfer.objects.bulk_create(transfers)
    Payroll.objects.bulk_create(payrolls)
    WageDeposit.objects.create(project=project, balance=project.contract_price)  # covers any required rate
    return project


def latest_payroll(project):
    return Payroll.objects.filter(project=project).order_by("-month").first()
