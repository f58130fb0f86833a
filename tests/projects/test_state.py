"""The project page tells its state at a glance (issue 18 item 10): this month's labour-cost transfer and
last month's payroll (made / late / missing / pending), the deposit position, open hazards with their
rules and deadlines, open cases with number and deadline."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint
from projects.models import Hazard, LabourCostTransfer, Payroll, RiskRule
from projects.selectors import project_counts
from projects.state import transfer_status
from risk.services import risk_rules_sync
from tests.complaints.factories import make_complaint
from tests.deposits.factories import make_deposit
from tests.projects.factories import make_project, make_roster_entry
from tests.wages.factories import make_pay_line
from wages.state import payroll_status

D = datetime.date
TODAY = D(2026, 6, 15)
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def project(township_a, department):
    return make_project(
        township_a,
        department,
        start_date=D(2026, 1, 10),
        contract_date=D(2026, 1, 2),
        payday=10,
        contract_price=Decimal("40000000.00"),
    )


def transfer(project, month, on, amount="800000.00"):
    return LabourCostTransfer.objects.create(project=project, month=month, transferred_on=on, amount=amount)


def test_transfer_made_in_time(project):
    transfer(project, D(2026, 5, 1), D(2026, 5, 20))
    transfer(project, D(2026, 6, 1), D(2026, 6, 10))
    duty = transfer_status(project=project, today=TODAY)
    assert (duty.state, duty.done_on, duty.due, duty.amount) == (
        "made", D(2026, 6, 10), D(2026, 6, 20), Decimal("800000.00"),
    )  # fmt: skip


def test_transfer_made_late_more_than_a_cycle_after_the_one_before(project):
    transfer(project, D(2026, 4, 1), D(2026, 4, 20))
    transfer(project, D(2026, 6, 1), D(2026, 6, 10))
    duty = transfer_status(project=project, today=TODAY)
    assert (duty.state, duty.done_on, duty.due) == ("late", D(2026, 6, 10), D(2026, 5, 20))


def test_transfer_missing_once_the_cycle_has_passed(project):
    transfer(project, D(2026, 4, 1), D(2026, 4, 20))
    duty = transfer_status(project=project, today=TODAY)
    assert (duty.state, duty.done_on, duty.due) == ("missing", None, D(2026, 5, 20))


def test_transfer_pending_within_the_cycle(project):
    transfer(project, D(2026, 5, 1), D(2026, 5, 20))
    assert transfer_status(project=project, today=TODAY).state == "pending"


def test_transfer_none_before_the_start(township_a, department):
    later = make_project(township_a, department, start_date=D(2026, 7, 1), contract_date=D(2026, 6, 1))
    assert transfer_status(project=later, today=TODAY).state == "none"


MAY = D(2026, 5, 1)


def payroll(project, paid_on, month=MAY):
    return Payroll.objects.create(
        project=project, month=month, attended=10, paid=10, gross=50000, net=48000, paid_on=paid_on
    )


@pytest.mark.parametrize(
    ("paid_on", "state"), [(D(2026, 6, 8), "made"), (D(2026, 6, 10), "made"), (D(2026, 6, 12), "late")]
)
def test_payroll_reported_made_or_late_against_the_payday(project, paid_on, state):
    payroll(project, paid_on)
    duty = payroll_status(project=project, today=TODAY)
    assert (duty.state, duty.month, duty.due, duty.done_on) == (state, D(2026, 5, 1), D(2026, 6, 10), paid_on)
    assert duty.amount == Decimal("48000.00") and (duty.paid, duty.attended) == (10, 10)


def test_payroll_missing_after_the_payday_and_pending_before(project):
    payroll(project, D(2026, 5, 9), month=D(2026, 4, 1))  # an older month does not count for May
    assert payroll_status(project=project, today=TODAY).state == "missing"
    project.payday = 20
    assert payroll_status(project=project, today=TODAY).state == "pending"


def test_payroll_from_pay_lines_where_the_project_has_them(project):
    paid = make_roster_entry(project)
    make_pay_line(paid, D(2026, 5, 1), paid_on=D(2026, 6, 9))
    make_pay_line(make_roster_entry(project), D(2026, 5, 1), net=None, paid_on=None)
    payroll(project, None)  # the reported summary says unpaid; the lines say otherwise
    duty = payroll_status(project=project, today=TODAY)
    assert (duty.state, duty.done_on, duty.paid, duty.attended) == ("made", D(2026, 6, 9), 1, 2)
    assert duty.amount == Decimal("6000.00")


def test_payroll_lines_with_nothing_paid_are_missing(project):
    make_pay_line(make_roster_entry(project), D(2026, 5, 1), net=None, paid_on=None)
    assert payroll_status(project=project, today=TODAY).state == "missing"


def page(client, project):
    return client.get(reverse("projects:detail", args=[project.pk])).content.decode()


def test_panel_shows_each_duty_state(client_for, office, project):
    transfer(project, D(2026, 4, 1), D(2026, 4, 20))
    payroll(project, D(2026, 6, 12))
    body = page(client_for(office), project)
    assert 'data-duty="transfer" data-state="missing"' in body and "逾期未拨付" in body
    assert 'data-duty="payroll" data-state="late"' in body and "逾期发放" in body and "48,000.00 元" in body


def test_panel_lists_open_hazards_with_rule_and_deadline(client_for, office, project, department):
    risk_rules_sync()
    rule = RiskRule.objects.get(code="TRANSFER_LATE")
    Hazard.objects.create(
        project=project, rule=rule, severity=1, department=department, deadline=D(2026, 6, 12)
    )
    closed = RiskRule.objects.get(code="NOTICE_BOARD")
    Hazard.objects.create(
        project=project, rule=closed, severity=1, department=department, deadline=D(2026, 6, 1),
        status=Hazard.Status.CLOSED, closed_at=NOW,
    )  # fmt: skip
    body = page(client_for(office), project)
    hazards = body.split('data-part="hazards"', 1)[1].split("</div>", 1)[0]
    assert rule.name in hazards and "整改期限 2026-06-12" in hazards and "超期 1 个工作日" in hazards
    assert closed.name not in hazards


def test_panel_shows_deposit_position_and_open_cases(client_for, office, project):
    make_deposit(project, cash="300000.00", on=D(2026, 2, 1))
    case = make_complaint(project=project, accept_due=D(2026, 6, 17))
    make_complaint(project=project, status=Complaint.Status.CLOSED, closed_on=D(2026, 6, 1))
    body = page(client_for(office), project)
    deposit = body.split('data-part="deposit"', 1)[1].split("</div>", 1)[0]
    assert 'data-state="short"' in deposit and "已存 300,000.00 元" in deposit and "应缴" in deposit
    cases = body.split('data-part="cases"', 1)[1].split("</div>", 1)[0]
    assert case.number in cases and "受理期限 2026-06-17" in cases and cases.count("<li>") == 1


@pytest.mark.parametrize("n", [2, 50])
def test_project_page_queries_do_not_grow_with_hazards_cases_and_transfers(
    client_for, office, project, department, n, django_assert_num_queries
):
    risk_rules_sync()
    rules = list(RiskRule.objects.all()[: min(n, 14)])
    for rule in rules:
        Hazard.objects.create(project=project, rule=rule, severity=2, department=department, deadline=TODAY)
    for i in range(n):
        make_complaint(project=project, accept_due=TODAY)
        transfer(project, D(2026, 6, 1), D(2026, 6, 1) + datetime.timedelta(days=i % 14))
    make_deposit(project, cash="1000.00", on=D(2026, 2, 1))
    client = client_for(office)
    # the same 21 as tests/wages/test_views.py::test_project_overview_queries_do_not_grow_with_lines lists
    with django_assert_num_queries(21):
        body = page(client, project)
    assert body.count('class="tag grade-serious"') == len(rules)
    assert body.split('data-part="cases"', 1)[1].count("<li>") == min(n, 10)


def test_project_counts_are_the_project_own_rows(project, township_a, department):
    other = make_project(township_a, department)
    for _i in range(3):
        make_roster_entry(project)
    make_roster_entry(other)
    transfer(project, D(2026, 5, 1), D(2026, 5, 20))
    transfer(other, D(2026, 5, 1), D(2026, 5, 20))
    assert project_counts(project=project) == {"workers": 3, "transfers": 1, "payrolls": 0, "inspections": 0}
    assert project_counts(project=other) == {"workers": 1, "transfers": 1, "payrolls": 0, "inspections": 0}
