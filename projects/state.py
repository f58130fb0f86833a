"""The project page's state at a glance (issue 18 item 10): where this month's duties stand, by the rules
of DESIGN §2 as ``projects.obligations`` and ``wagewatch.lib.law`` define them.

A monthly duty is *made* (done by its due day), *late* (done after it), *missing* (not done and the due
day has passed: the sweep's TRANSFER_LATE / the wages app's owed lines), *pending* (not done, not yet
due) or *none* (nothing was due: the project had not started or is completed).
Apps above projects add their parts of the panel through ``projects.views.TAB_CONTEXT``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import Max, QuerySet

from wagewatch.accounts.roles import AnyUser
from wagewatch.lib import law
from wagewatch.lib.periods import ONE_DAY, add_months, month_end, month_start

from .models import Hazard, LabourCostTransfer, Project

State = Literal["made", "late", "missing", "pending", "none"]


@dataclass(frozen=True)
class Duty:
    """Where a monthly duty stands on a day: for which month, due when, done when and for how much."""

    state: State
    month: datetime.date
    due: datetime.date | None = None
    done_on: datetime.date | None = None
    amount: Decimal | None = None
    paid: int | None = None  # payroll: workers paid / who attended that month
    attended: int | None = None


def done_or_owed(
    *, month: datetime.date, due: datetime.date, done_on: datetime.date | None, today: datetime.date
) -> State:
    """made / late when done (by ``due`` or after), else missing once ``due`` has passed, else pending."""
    if done_on is not None:
        return "made" if done_on <= due else "late"
    return "missing" if today > due else "pending"


def transfer_status(*, project: Project, today: datetime.date) -> Duty:
    """This month's labour-cost transfer: due LABOUR_COST_CYCLE_MONTHS after the one before it (or after
    the start, as ``obligations.transfer_reference``): two queries."""
    month = month_start(today)
    if project.start_date > today or (project.completed_on and project.completed_on < month):
        return Duty("none", month)
    transfers = LabourCostTransfer.objects.filter(project=project)
    this = transfers.filter(month=month, transferred_on__lte=today).order_by("transferred_on").first()
    cut = this.transferred_on if this else today + ONE_DAY
    last = transfers.filter(transferred_on__lt=cut).aggregate(last=Max("transferred_on"))["last"]
    due = add_months(max(last or project.start_date, project.start_date), law.LABOUR_COST_CYCLE_MONTHS())
    done_on = this.transferred_on if this else None
    state = done_or_owed(month=month, due=due, done_on=done_on, today=today)
    return Duty(state, month, due, done_on, this.amount if this else None)


def wage_month(today: datetime.date) -> datetime.date:
    """The wage month paid in ``today``'s month: last month (its payday falls in this one)."""
    return month_start(today, -1)


def wages_were_due(project: Project, month: datetime.date) -> bool:
    """The project worked some of ``month``: started by its end, not completed before it."""
    return project.start_date <= month_end(month) and not (
        project.completed_on and project.completed_on < month
    )


def open_hazards(*, user: AnyUser, project: Project) -> QuerySet[Hazard]:
    """The project's open hazards with their rules, worst and soonest due first (one query)."""
    return (
        Hazard.objects.visible_to(user)
        .filter(project=project, status=Hazard.Status.OPEN)
        .select_related("rule")
        .order_by("-severity", "deadline")
    )
