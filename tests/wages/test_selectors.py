"""Owed lines and the arrears stock: amounts computed by hand, one query whatever the number of lines."""

import datetime
from decimal import Decimal

import pytest

from projects.models import Enterprise
from tests.projects.factories import make_enterprise, make_project, make_roster_entry, make_worker
from tests.wages.factories import make_pay_line
from wages import selectors
from wages.models import PayLine
from wages.selectors import Arrears, arrears, arrears_by, due_date, owed_lines, payday_date

D = datetime.date
JAN, FEB, MAR, APR = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)
FAILED = PayLine.BankStatus.FAILED


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department, payday=15)


def _line(project, month, **kw):
    return make_pay_line(make_roster_entry(project), month, **kw)


@pytest.fixture
def march(project):
    """Five workers' March lines on a project paying on the 15th (so due by 15 April):
    A paid 5,800 of 6,000 due less 200 deducted (owes 0); B paid 6,000 but the bank failed it (owes
    6,000); C paid 4,000 of 6,000 (owes 2,000); D attended 20 days, no wage due, nothing paid (owed,
    amount unknown); E paid 5,000 of 5,000 only on 20 May."""
    return {
        "A": _line(project, MAR, deductions=Decimal("200"), net=Decimal("5800")),
        "B": _line(project, MAR, bank_status=FAILED, bank_reason="户名不符"),
        "C": _line(project, MAR, net=Decimal("4000")),
        "D": _line(project, MAR, days=Decimal("20"), due=None, net=None, paid_on=None),
        "E": _line(project, MAR, due=Decimal("5000"), net=Decimal("5000"), paid_on=D(2026, 5, 20)),
    }


def test_payday_is_clamped_to_the_month_and_grace_follows(settings):
    assert payday_date(JAN, 31) == D(2026, 2, 28)
    assert payday_date(D(2026, 12, 1), 15) == D(2027, 1, 15)
    assert payday_date(D(2027, 1, 1), 31) == D(2027, 2, 28)
    assert payday_date(D(2028, 1, 1), 30) == D(2028, 2, 29)
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WAGE_PAY_GRACE_DAYS": 5}
    assert due_date(JAN, 31) == D(2026, 3, 5)


def test_stock_counts_failed_short_unknown_and_late_payments(project, march):
    stock = arrears(PayLine.objects.all(), on=D(2026, 5, 1))
    # B 6,000 + C 2,000 + D unknown (0) + E 5,000 (paid after 1 May); A paid in full
    assert stock == Arrears(workers=4, amount=Decimal("13000.00"), oldest_month=MAR, unknown=1)
    owed = {line.pk: line.owed for line in owed_lines(PayLine.objects.all(), on=D(2026, 5, 1))}
    assert owed == {
        march["B"].pk: Decimal("6000.00"),
        march["C"].pk: Decimal("2000.00"),
        march["D"].pk: Decimal("0.00"),
        march["E"].pk: Decimal("5000.00"),
    }


def test_payment_after_the_stock_day_does_not_reduce_the_stock_on_that_day(project, march):
    lines = PayLine.objects.filter(pk=march["E"].pk)
    assert arrears(lines, on=D(2026, 5, 19)).amount == Decimal("5000.00")
    assert arrears(lines, on=D(2026, 5, 20)) == selectors.NO_ARREARS  # paid that day
    assert arrears(lines, on=D(2026, 6, 1)) == selectors.NO_ARREARS


def test_failed_bank_line_counts_unpaid_until_a_successful_resend(project, march):
    line = march["B"]
    lines = PayLine.objects.filter(pk=line.pk)
    assert arrears(lines, on=D(2026, 5, 1)).amount == Decimal("6000.00")
    PayLine.objects.filter(pk=line.pk).update(bank_status=PayLine.BankStatus.OK, paid_on=D(2026, 5, 3))
    assert arrears(lines, on=D(2026, 5, 2)).amount == Decimal("6000.00")
    assert not arrears(lines, on=D(2026, 5, 3))


def test_nothing_is_owed_until_the_day_after_payday(project):
    line = _line(project, APR, net=None, paid_on=None)  # April wages due on 15 May
    lines = PayLine.objects.filter(pk=line.pk)
    assert not arrears(lines, on=D(2026, 5, 15))
    assert arrears(lines, on=D(2026, 5, 16)) == Arrears(1, Decimal("6000.00"), APR)


def test_grace_days_delay_the_arrears(project, settings):
    line = _line(project, APR, net=None, paid_on=None)
    lines = PayLine.objects.filter(pk=line.pk)
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WAGE_PAY_GRACE_DAYS": 5}
    assert not arrears(lines, on=D(2026, 5, 20))  # 15 May + 5 days = 20 May: still on time
    assert arrears(lines, on=D(2026, 5, 21)).amount == Decimal("6000.00")


@pytest.mark.parametrize(
    ("payday", "owed_from"),
    [(31, D(2026, 3, 1)), (28, D(2026, 3, 1)), (27, D(2026, 2, 28)), (1, D(2026, 2, 2))],
)
def test_payday_past_the_month_end_falls_on_its_last_day(township_a, department, payday, owed_from):
    line = _line(make_project(township_a, department, payday=payday), JAN, net=None, paid_on=None)
    lines = PayLine.objects.filter(pk=line.pk)
    assert not arrears(lines, on=owed_from - datetime.timedelta(days=1))
    assert arrears(lines, on=owed_from).workers == 1


def test_grace_crossing_a_month_end(township_a, department, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WAGE_PAY_GRACE_DAYS": 20}
    line = _line(make_project(township_a, department, payday=25), JAN, net=None, paid_on=None)
    lines = PayLine.objects.filter(pk=line.pk)  # due 25 Feb + 20 days = 17 March
    assert not arrears(lines, on=D(2026, 3, 17))
    assert arrears(lines, on=D(2026, 3, 18)).workers == 1


def test_bank_line_without_a_wage_due_is_owed_the_amount_sent_when_it_failed_or_came_late(project):
    failed = _line(project, MAR, due=None, net=Decimal("3000"), bank_status=FAILED)
    _line(project, MAR, due=None, net=Decimal("2000"), paid_on=D(2026, 5, 20))  # owed until 20 May
    _line(project, MAR, due=None, net=Decimal("4000"))  # paid 10 April: nothing owed
    assert arrears(PayLine.objects.all(), on=D(2026, 5, 1)) == Arrears(2, Decimal("5000.00"), MAR)
    assert {line.pk: line.owed for line in owed_lines(PayLine.objects.all(), on=D(2026, 6, 1))} == {
        failed.pk: Decimal("3000.00")
    }


def test_paid_without_a_date_and_overpaid_lines_owe_nothing(project):
    _line(project, MAR, paid_on=None)
    _line(project, MAR, net=Decimal("7000"))
    _line(project, MAR, days=Decimal("0"), due=None, net=None, paid_on=None)  # no attendance, nothing due
    _line(project, MAR, days=None, due=None, net=None, paid_on=None)
    assert arrears(PayLine.objects.all(), on=D(2026, 6, 1)) == selectors.NO_ARREARS


def test_oldest_month_and_a_worker_owed_on_two_projects_counts_once(project, township_b, department):
    worker = make_worker()
    _line(project, JAN, net=None, paid_on=None)
    make_pay_line(make_roster_entry(project, worker=worker), FEB, net=Decimal("1000"))
    other = make_project(township_b, department, payday=10)
    make_pay_line(make_roster_entry(other, worker=worker), MAR, net=None, paid_on=None)
    stock = arrears(PayLine.objects.all(), on=D(2026, 7, 1))
    assert stock == Arrears(workers=2, amount=Decimal("17000.00"), oldest_month=JAN)
    by_worker = arrears_by(PayLine.objects.all(), on=D(2026, 7, 1), by="worker")
    assert by_worker[worker.pk] == Arrears(1, Decimal("11000.00"), FEB)
    by_township = arrears_by(PayLine.objects.all(), on=D(2026, 7, 1), by="township")
    assert by_township == {
        project.township_id: Arrears(2, Decimal("11000.00"), JAN),
        other.township_id: Arrears(1, Decimal("6000.00"), MAR),
    }


def test_arrears_by_project_and_enterprise(project, township_a, department):
    labour = make_enterprise(kind=Enterprise.Kind.LABOUR)
    _line(project, MAR, net=None, paid_on=None)  # no employer: the general contractor answers
    make_pay_line(make_roster_entry(project, employer=labour), MAR, net=Decimal("2500"))
    second = make_project(township_a, department, contractor=project.contractor)
    _line(second, MAR, net=Decimal("5000"))
    on = D(2026, 5, 1)
    assert arrears_by(PayLine.objects.all(), on=on, by="project") == {
        project.pk: Arrears(2, Decimal("9500.00"), MAR),
        second.pk: Arrears(1, Decimal("1000.00"), MAR),
    }
    assert arrears_by(PayLine.objects.all(), on=on, by="enterprise") == {
        project.contractor_id: Arrears(2, Decimal("7000.00"), MAR),
        labour.pk: Arrears(1, Decimal("3500.00"), MAR),
    }
    mine = PayLine.objects.filter(selectors.enterprise_lines_q(project.contractor_id))
    assert arrears(mine, on=on) == Arrears(2, Decimal("7000.00"), MAR)


def test_scoped_lines_give_the_scoped_stock(project, township_b, department, inspector_a):
    _line(project, MAR, net=None, paid_on=None)
    _line(make_project(township_b, department), MAR, net=None, paid_on=None)
    assert arrears(PayLine.objects.visible_to(inspector_a), on=D(2026, 5, 1)).workers == 1


@pytest.mark.parametrize("n", [2, 50])
def test_stock_is_one_query_whatever_the_number_of_lines(project, n, inspector_b, django_assert_num_queries):
    for _n in range(n):
        _line(project, MAR, net=None, paid_on=None)
    lines = PayLine.objects.visible_to(inspector_b)  # another township's inspector: nothing
    with django_assert_num_queries(1):  # the aggregate over the owed lines
        assert arrears(PayLine.objects.all(), on=D(2026, 5, 1)).workers == n
    with django_assert_num_queries(1):  # the grouped aggregate
        assert len(arrears_by(PayLine.objects.all(), on=D(2026, 5, 1), by="worker")) == n
    with django_assert_num_queries(1):  # the same through the user's scope (a subquery, no extra query)
        assert arrears(lines, on=D(2026, 5, 1)) == selectors.NO_ARREARS


def test_ledger_from_one_scan_equals_the_stock_and_each_grouping(project, march, township_b, department):
    worker = march["C"].entry.worker  # owed on two projects in two townships: once in the total
    other = make_project(township_b, department, contractor=make_enterprise(kind=Enterprise.Kind.LABOUR))
    make_pay_line(make_roster_entry(other, worker=worker), FEB, net=None, paid_on=None)
    labour = make_enterprise(kind=Enterprise.Kind.LABOUR)
    make_pay_line(make_roster_entry(project, employer=labour), MAR, net=Decimal("1000"))
    lines, on = PayLine.objects.all(), D(2026, 5, 1)
    ledger = selectors.arrears_ledger(lines, on=on)
    assert ledger.total == arrears(lines, on=on) == Arrears(5, Decimal("24000.00"), FEB, 1)
    for by in ("township", "enterprise", "project"):
        assert getattr(ledger, by) == arrears_by(lines, on=on, by=by), by


def test_ledger_of_nothing_owed(project, django_assert_num_queries):
    with django_assert_num_queries(1):
        ledger = selectors.arrears_ledger(PayLine.objects.all(), on=D(2026, 5, 1))
    assert ledger == selectors.Ledger(selectors.NO_ARREARS, {}, {}, {})
