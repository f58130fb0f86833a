"""Factories for deposit tests: projects from tests.projects.factories, money through deposits.services."""

import datetime
import itertools
from decimal import Decimal

from complaints.models import EnforcementOrder
from deposits import services
from deposits.models import WageDeposit
from tests.projects.factories import make_enterprise, make_project  # noqa: F401 (re-exported)

_seq = itertools.count(9000)


def make_deposit(project, *, cash=None, user=None, on=None, form=WageDeposit.Form.CASH) -> WageDeposit:
    """The project's deposit, with ``cash`` paid in when given."""
    deposit = services.deposit_open(project=project, form=form)
    if cash is not None:
        services.deposit_pay_in(
            deposit=deposit, amount=Decimal(cash), on=on or datetime.date(2026, 1, 5), user=user
        )
        deposit.refresh_from_db()
    return deposit


def make_order(
    project, *, deadline=datetime.date(2026, 1, 10), complied_on=None, kind=EnforcementOrder.Kind.PAY
):
    """An order to pay against the project's contractor (written directly, numbered out of the way)."""
    return EnforcementOrder.objects.create(
        kind=kind,
        year=deadline.year,
        seq=next(_seq),
        enterprise=project.contractor,
        project=project,
        township=project.township,
        requirement="限期支付拖欠的农民工工资",
        amount=Decimal("100000"),
        issued_on=deadline - datetime.timedelta(days=10),
        deadline=deadline,
        complied_on=complied_on,
    )
