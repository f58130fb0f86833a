"""This month's payroll on the project page's state panel (issue 18 item 10): last month's wages, due on
the project's payday of this month plus the grace days (``selectors.due_date``), as the pay lines sum
them where the project has any, else as the project reported them (``projects.Payroll``)."""

import datetime

from projects.models import Payroll, Project
from projects.state import Duty, done_or_owed, wage_month, wages_were_due

from .models import PayLine
from .selectors import due_date, payroll_from_lines


def payroll_status(*, project: Project, today: datetime.date) -> Duty:
    """Made / late / missing / pending for last month's wages (two queries, whatever the data)."""
    month = wage_month(today)
    summed = payroll_from_lines(PayLine.objects.filter(project=project, month=month)).get((project.pk, month))
    reported = Payroll.objects.filter(project=project, month=month).first()
    if not wages_were_due(project, month):
        return Duty("none", month)
    due = due_date(month, project.payday)
    if summed is not None:
        paid_on, net, paid, attended = summed.paid_on, summed.net, summed.paid, summed.attended
    elif reported is not None:
        paid_on, net, paid, attended = reported.paid_on, reported.net, reported.paid, reported.attended
    else:
        return Duty(done_or_owed(month=month, due=due, done_on=None, today=today), month, due)
    if not paid:
        return Duty(
            done_or_owed(month=month, due=due, done_on=None, today=today), month, due, None, None, 0, attended
        )
    # paid with no date known counts as paid, as the arrears count it (selectors: "its date is not known")
    state = "made" if paid_on is None else done_or_owed(month=month, due=due, done_on=paid_on, today=today)
    return Duty(state, month, due, paid_on, net, paid, attended)
