"""Ledger, draws, return workflow deadlines, guarantees, exemption, emergency fund, reminders."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from deposits import services, tasks
from deposits.models import DepositEntry, EmergencyFund, FundEntry, WageDeposit
from wagewatch.accounts.models import Notification

from .factories import make_deposit, make_order, make_project

ON = datetime.date(2026, 6, 1)


def entries_sum(deposit) -> Decimal:
    return sum((e.signed_amount for e in DepositEntry.objects.filter(deposit=deposit)), Decimal("0.00"))


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


def test_balance_follows_the_entries(project, office):
    deposit = make_deposit(project, cash="100000", user=office)
    services.deposit_draw(deposit=deposit, order=make_order(project), amount="30000.10", on=ON, user=office)
    services.deposit_top_up(deposit=deposit, amount=Decimal("30000.10"), on=ON, user=office)
    services.deposit_draw(deposit=deposit, order=make_order(project), amount="5000", on=ON, user=office)
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("95000.00") == entries_sum(deposit)
    drawn = deposit.entries.filter(kind="drawn").first()
    assert drawn.order.is_ignored(ON) and drawn.signed_amount == Decimal("-30000.10")


def test_draw_refused_beyond_the_balance(project, office):
    deposit = make_deposit(project, cash="1000", user=office)
    with pytest.raises(ValidationError):
        services.deposit_draw(
            deposit=deposit, order=make_order(project), amount="1000.01", on=ON, user=office
        )
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("1000.00") and deposit.entries.count() == 1


def test_draws_against_an_order_never_exceed_its_unpaid_amount(project, office, inspector_a):
    deposit = make_deposit(project, cash="100000", user=office)
    order = make_order(project)
    order.amount = Decimal("1.00")
    order.save(update_fields=["amount"])
    with pytest.raises(ValidationError) as refused:
        services.deposit_draw(deposit=deposit, order=order, amount="5000", on=ON, user=office)
    assert "未支付金额 1.00 元" in refused.value.messages[0]
    services.deposit_draw(deposit=deposit, order=order, amount="0.60", on=ON, user=office)
    with pytest.raises(ValidationError):
        services.deposit_draw(deposit=deposit, order=order, amount="0.41", on=ON, user=office)
    with pytest.raises(ValidationError):  # an inspector's request is held to the same cap
        services.draw_request_create(deposit=deposit, order=order, amount="0.41", user=inspector_a, on=ON)
    services.deposit_draw(deposit=deposit, order=order, amount="0.40", on=ON, user=office)
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("99999.00") == entries_sum(deposit)


@pytest.mark.parametrize(
    "order_kw",
    [
        {"deadline": ON + datetime.timedelta(days=3)},  # not yet due
        {"complied_on": datetime.date(2026, 1, 9)},  # paid
        {"kind": "rectify"},  # not an order to pay
    ],
)
def test_draw_refused_unless_the_order_was_ignored(project, office, order_kw):
    deposit = make_deposit(project, cash="1000", user=office)
    with pytest.raises(ValidationError):
        services.deposit_draw(
            deposit=deposit, order=make_order(project, **order_kw), amount="10", on=ON, user=office
        )


def test_inspector_cannot_draw_but_can_ask(project, inspector_a, office):
    deposit = make_deposit(project, cash="1000", user=office)
    order = make_order(project)
    with pytest.raises(PermissionDenied):
        services.deposit_draw(deposit=deposit, order=order, amount="10", on=ON, user=inspector_a)
    request = services.draw_request_create(
        deposit=deposit, order=order, amount="400", user=inspector_a, on=ON
    )
    services.draw_request_decide(request=request, approve=True, user=office, on=ON)
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("600.00")
    with pytest.raises(ValidationError):  # decided once
        services.draw_request_decide(request=request, approve=True, user=office, on=ON)


def test_database_refuses_a_negative_balance(project):
    deposit = make_deposit(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        WageDeposit.objects.filter(pk=deposit.pk).update(balance=Decimal("-0.01"))


def test_draw_entry_needs_an_order_in_the_database(project):
    deposit = make_deposit(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositEntry.objects.create(deposit=deposit, kind="drawn", amount=Decimal(1), date=ON)


# ---- return workflow: working days across holidays ----


def test_return_deadlines_across_spring_festival_2026(project, office):
    deposit = make_deposit(project, cash="1000", user=office)
    deposit = services.deposit_return_start(
        deposit=deposit,
        completed_on=datetime.date(2026, 1, 5),
        promise_received_on=datetime.date(2026, 1, 10),
        notice_from=datetime.date(2026, 1, 15),
        user=office,
    )
    assert deposit.notice_to == datetime.date(2026, 2, 13)  # 30 days, both ends counted
    # Sat 14 Feb is a working day (调休), 15–23 Feb is the holiday: 14, 24, 25, 26, 27
    assert deposit.review_due == datetime.date(2026, 2, 27)
    assert deposit.calendar_complete
    deposit = services.deposit_review_done(deposit=deposit, on=datetime.date(2026, 2, 27), user=office)
    # Sat 28 Feb works (调休): 28 Feb, 2 Mar, 3 Mar
    assert deposit.return_due == datetime.date(2026, 3, 3)
    assert deposit.return_overdue(datetime.date(2026, 3, 4)) and not deposit.return_overdue(
        datetime.date(2026, 3, 3)
    )
    services.deposit_return(deposit=deposit, on=datetime.date(2026, 3, 3), user=office)
    deposit.refresh_from_db()
    assert deposit.status == "returned" and deposit.balance == 0 == entries_sum(deposit)


def test_return_deadlines_across_national_day_2026(project, office):
    deposit = make_deposit(project, cash="1000", user=office)
    deposit = services.deposit_return_start(
        deposit=deposit,
        completed_on=datetime.date(2026, 8, 20),
        promise_received_on=datetime.date(2026, 8, 25),
        notice_from=datetime.date(2026, 9, 1),
        user=office,
    )
    assert deposit.notice_to == datetime.date(2026, 9, 30)
    # 1–7 Oct off; 8, 9, Sat 10 Oct (调休), 12, 13
    assert deposit.review_due == datetime.date(2026, 10, 13)
    assert deposit.review_overdue(datetime.date(2026, 10, 14))
    deposit = services.deposit_review_done(deposit=deposit, on=datetime.date(2026, 10, 1), user=office)
    assert deposit.return_due == datetime.date(2026, 10, 10)  # 8, 9, Sat 10 Oct (调休)


def test_review_before_the_notice_ends_is_refused(project, office):
    deposit = make_deposit(project, cash="1000", user=office)
    deposit = services.deposit_return_start(
        deposit=deposit, completed_on=ON, promise_received_on=ON, notice_from=ON, user=office
    )
    with pytest.raises(ValidationError):
        services.deposit_review_done(deposit=deposit, on=ON + datetime.timedelta(days=10), user=office)


# ---- guarantees and exemption ----


def test_guarantee_flags(township_a, department, office):
    project = make_project(township_a, department, planned_finish=datetime.date(2027, 12, 31))
    deposit = make_deposit(project)
    letter = services.guarantee_register(
        deposit=deposit,
        issuer_kind="insurance",
        issuer_name="某保险公司",
        number="BX1",
        amount=Decimal("1000"),
        valid_from=datetime.date(2026, 6, 1),
        valid_to=datetime.date(2027, 3, 1),
        user=office,
        on=ON,
    )
    assert len(letter.flags) == 3  # below required, under 1 year, ends before the contract
    good = services.guarantee_register(
        deposit=deposit,
        issuer_kind="bank",
        issuer_name="农行",
        number="BH2",
        amount=Decimal("50000"),
        valid_from=datetime.date(2026, 6, 1),
        valid_to=datetime.date(2028, 1, 31),
        user=office,
        on=ON,
    )
    assert good.flags == []
    deposit.refresh_from_db()
    assert deposit.form == "guarantee"


def test_exemption_applied_by_a_user_with_a_reason(township_a, department, inspector_a):
    small = make_project(township_a, department, contract_price=Decimal("2999999.99"))
    deposit = make_deposit(small)
    with pytest.raises(ValidationError):
        services.deposit_exempt(deposit=deposit, reason=" ", user=inspector_a, on=ON)
    services.deposit_exempt(deposit=deposit, reason="小额工程，近一年无拖欠", user=inspector_a, on=ON)
    deposit.refresh_from_db()
    assert deposit.exempt and deposit.exempted_by == inspector_a and deposit.status == "exempt"
    big = make_deposit(make_project(township_a, department, contract_price=Decimal("3000000.00")))
    with pytest.raises(ValidationError):
        services.deposit_exempt(deposit=big, reason="理由", user=inspector_a, on=ON)


# ---- emergency fund ----


def test_fund_never_negative_and_equals_its_entries(project, office):
    services.fund_capital_in(amount="100000", on=ON, user=office)
    advance = services.advance_pay(
        project=project, enterprise=project.contractor, amount="80000", workers=12, on=ON, user=office
    )
    with pytest.raises(ValidationError):
        services.advance_pay(enterprise=project.contractor, amount="20000.01", workers=1, on=ON, user=office)
    with pytest.raises(ValidationError):
        services.advance_recover(advance=advance, amount="80000.01", on=ON, user=office)
    services.advance_recover(advance=advance, amount="30000", on=ON, user=office)
    fund = EmergencyFund.objects.get()
    signed = sum((e.signed_amount for e in FundEntry.objects.all()), Decimal(0))
    assert fund.balance == Decimal("50000.00") == signed
    advance.refresh_from_db()
    assert advance.outstanding == Decimal("50000.00") and advance.township_id == project.township_id
    assert FundEntry.objects.filter(kind="advance").aggregate(s=Sum("amount"))["s"] == Decimal("80000.00")


# ---- reminders ----


def test_expiring_guarantee_reminded_once(project, office, inspector_a, inspector_b):
    deposit = make_deposit(project)
    services.guarantee_register(
        deposit=deposit,
        issuer_kind="bank",
        issuer_name="农行",
        number="BH9",
        amount=Decimal("50000"),
        valid_from=datetime.date(2025, 6, 1),
        valid_to=ON + datetime.timedelta(days=20),
        user=office,
        on=ON,
    )
    assert tasks.remind_expiring_guarantees(ON.isoformat()) == 2  # office + inspector_a
    assert tasks.remind_expiring_guarantees(ON.isoformat()) == 0
    assert not Notification.objects.filter(user=inspector_b).exists()


def test_overdue_return_step_reminded_once(project, office):
    deposit = make_deposit(project, cash="10", user=office)
    services.deposit_return_start(
        deposit=deposit,
        completed_on=datetime.date(2026, 1, 5),
        promise_received_on=datetime.date(2026, 1, 10),
        notice_from=datetime.date(2026, 1, 15),
        user=office,
    )
    assert tasks.remind_overdue_returns("2026-02-27") == 0
    assert tasks.remind_overdue_returns("2026-03-02") == 1
    assert tasks.remind_overdue_returns("2026-03-02") == 0


@time_machine.travel(
    datetime.datetime(2031, 9, 5, 2, tzinfo=datetime.UTC)
)  # completion is never ahead of today
def test_deadline_without_holiday_data_is_flagged_and_recomputed(project, office, admin):
    from wagewatch.accounts.models import Holiday
    from wagewatch.accounts.services import holiday_year_mark_complete
    from wagewatch.lib import workdays

    deposit = make_deposit(project, cash="10", user=office)
    deposit = services.deposit_return_start(
        deposit=deposit,
        completed_on=datetime.date(2031, 9, 1),
        promise_received_on=datetime.date(2031, 9, 2),
        notice_from=datetime.date(2031, 9, 3),
        user=office,
    )
    assert not deposit.calendar_complete  # no holiday data for 2031: weekends only
    assert deposit.review_due == datetime.date(2031, 10, 9)  # notice ends Thu 2 Oct; 3, 6, 7, 8, 9
    for day in range(1, 8):
        Holiday.objects.create(date=datetime.date(2031, 10, day), name="国庆节")
    assert holiday_year_mark_complete(year=2031, user=admin)["deposits"] == 1
    deposit.refresh_from_db()
    assert deposit.calendar_complete and deposit.review_due == datetime.date(2031, 10, 14)
    workdays.clear_cache()
