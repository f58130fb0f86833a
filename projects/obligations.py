"""A project's obligations (DESIGN §2), each defined once: the risk sweep raises hazards from these and the
reports count their coverage with them. Dates are plain functions; the rest are query expressions to
annotate a Project queryset with, so either side adds columns to its own one query.

The deposit obligation belongs to the deposits app: ``deposits.selectors.DepositPosition.short``.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from wagewatch.lib import law
from wagewatch.lib.periods import month_start

from .models import Inspection, LabourCostTransfer, WageAccount


def _open_within(days: int | None) -> datetime.timedelta:
    return datetime.timedelta(days=law.ACCOUNT_OPEN_DAYS() if days is None else days)


def account_due(contract_date: datetime.date, *, days: int | None = None) -> datetime.date:
    """The last day to open the wage account: ``days`` (ACCOUNT_OPEN_DAYS) after the contract is signed."""
    return contract_date + _open_within(days)


def account_overdue_q(on: datetime.date, *, days: int | None = None) -> Q:
    """Projects whose account_due has passed on ``on`` (the same date rule, as a filter)."""
    return Q(contract_date__lt=on - _open_within(days))


def account_open_on(on: datetime.date) -> Exists:
    """Exists(): the project has a wage account opened by ``on`` and not closed by then."""
    return Exists(
        WageAccount.objects.filter(project=OuterRef("pk"), opened_on__lte=on).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=on)
        )
    )


def last_transfer(on: datetime.date) -> Subquery:
    """The day of the project's latest labour-cost transfer made by ``on`` (None when there is none)."""
    transfers = LabourCostTransfer.objects.filter(project=OuterRef("pk"), transferred_on__lte=on)
    return Subquery(transfers.order_by("-transferred_on").values("transferred_on")[:1])


def transfer_reference(last) -> Greatest:
    """The day the monthly transfer duty counts from: the latest transfer, or the start when later or none."""
    return Greatest(Coalesce(last, F("start_date")), F("start_date"))


def wages_due_month(on: datetime.date) -> datetime.date:
    """The latest wage month that must be paid by ``on`` (month M is due by the end of M+1)."""
    return month_start(on, -2)


def wages_due_q(on: datetime.date) -> Q:
    """Projects started by the end of wages_due_month(on): at least one month's wages were due."""
    return Q(start_date__lt=month_start(wages_due_month(on), 1))


def last_inspection(on: datetime.date):
    """The project's latest site inspection by ``on``, for Subquery(...values(column)[:1])."""
    return Inspection.objects.filter(project=OuterRef("pk"), date__lte=on).order_by("-date", "-id")


def notice_board_posted(on: datetime.date) -> Coalesce:
    """The rights notice board is up on ``on``: as the latest inspection found, else as registered."""
    found = Subquery(last_inspection(on).values("check_notice_board")[:1])
    return Coalesce(found, F("notice_board"))
