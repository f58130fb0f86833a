"""Factories for blacklist tests: orders through complaints.services, entries through our own services."""

import datetime

from django.utils import timezone

from blacklist import services
from blacklist.models import BlacklistEntry
from complaints.models import EnforcementOrder
from complaints.services import order_create
from tests.projects.factories import make_enterprise, make_project  # noqa: F401 (re-exported)


def make_pay_order(*, user, project, enterprise=None, deadline=None, complaint=None, amount=100000):
    """An order to pay against the project's contractor (or ``enterprise``), deadline in the past."""
    return order_create(
        kind=EnforcementOrder.Kind.PAY,
        enterprise=enterprise or project.contractor,
        deadline=deadline or datetime.date(2026, 1, 10),
        requirement="限期支付拖欠的农民工工资",
        user=user,
        project=project,
        complaint=complaint,
        amount=amount,
    )


def make_proposed(*, user, project, on=datetime.date(2026, 2, 2), **kw) -> BlacklistEntry:
    order = kw.pop("order", None) or make_pay_order(user=user, project=project, **kw)
    return services.blacklist_propose(
        order=order,
        basis_kind=BlacklistEntry.BasisKind.CRIMINAL,
        reason="拖欠工资达追诉标准",
        user=user,
        on=on,
    )


def make_listed(*, user, project, listed_on=datetime.date(2026, 3, 2), **kw) -> BlacklistEntry:
    """An entry taken through every step by an approver ``user``, listed on ``listed_on``."""
    start = listed_on - datetime.timedelta(days=40)
    entry = make_proposed(
        user=user, project=project, on=start, deadline=start - datetime.timedelta(days=5), **kw
    )
    services.blacklist_issue_notice(entry=entry, user=user, on=start)
    services.blacklist_decide(
        entry=entry,
        to_list=True,
        reasons="逾期未陈述申辩",
        user=user,
        on=listed_on - datetime.timedelta(days=1),
    )
    return services.blacklist_publish(entry=entry, user=user, on=listed_on)


def make_complaint(*, user, project, respondent=None, **kw):
    """A case against the project's contractor, received and accepted (still open)."""
    from complaints.services import complaint_accept, complaint_receive

    fields = {
        "channel": "12333",
        "complainant_name": "赵投诉",
        "complainant_phone": "13912345678",
        "description": "拖欠工资",
        "workers_involved": 3,
        "amount_claimed": 30000,
        "received_at": datetime.datetime(2026, 4, 1, 10, 0, tzinfo=timezone.get_current_timezone()),
    }
    fields.update(kw)
    case = complaint_receive(
        user=user, respondent=respondent or project.contractor, project=project, **fields
    )
    return complaint_accept(complaint=case, user=user, on=timezone.localdate(case.received_at))


def make_closed_complaint(*, user, project, outcome="investigated", on=datetime.date(2026, 5, 1), **kw):
    from complaints.services import complaint_close

    case = make_complaint(user=user, project=project, **kw)
    return complaint_close(complaint=case, user=user, outcome=outcome, amount_recovered=1000, on=on)
