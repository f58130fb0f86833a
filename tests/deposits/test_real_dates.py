"""Deposit and fund entries on their real days (DESIGN §9): never in the future, a draw or top-up not before
the money was paid in, a return not before the last entry, a recovery not before its advance."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deposits import services
from deposits.models import DepositEntry, FundEntry
from tests.once import messages_of, with_token

from .factories import make_deposit, make_project

pytestmark = pytest.mark.django_db
PAID = datetime.date(2026, 6, 1)


@pytest.fixture
def deposit_a(township_a, department, office):
    return make_deposit(make_project(township_a, department), cash="50000", user=office, on=PAID)


def _entry(client, deposit, user, kind, day):
    url = reverse("deposits:entry_add", args=[deposit.pk])
    return client.post(url, with_token({"kind": kind, "amount": "100", "date": day.isoformat()}, user))


@pytest.mark.parametrize(
    ("kind", "day", "message"),
    [
        ("paid_in", timezone.localdate() + datetime.timedelta(days=1), "不能晚于今天"),
        ("topped_up", PAID - datetime.timedelta(days=1), "不能早于上一步骤的日期（2026-06-01）"),
    ],
)
def test_future_or_out_of_order_entry_is_refused_and_changes_nothing(
    kind, day, message, client_for, inspector_a, deposit_a
):
    response = _entry(client_for(inspector_a), deposit_a, inspector_a, kind, day)
    assert response.status_code == 302
    assert any(message in m for m in messages_of(response))
    deposit_a.refresh_from_db()
    assert deposit_a.balance == Decimal("50000.00") and deposit_a.entries.count() == 1


def test_entry_keeps_its_real_day_and_history_the_entry_time(client_for, inspector_a, deposit_a):
    day = timezone.localdate() - datetime.timedelta(days=2)
    _entry(client_for(inspector_a), deposit_a, inspector_a, "topped_up", day)
    entry = deposit_a.entries.get(kind="topped_up")
    assert entry.date == day
    record = deposit_a.history.order_by("-history_date").first()
    assert record.history_user == inspector_a and record.history_date.date() != day
    assert timezone.localdate(record.history_date) == timezone.localdate()


def _returning(deposit, office):
    start = datetime.date(2026, 4, 1)
    services.deposit_return_start(
        deposit=deposit, completed_on=start, promise_received_on=start, notice_from=start, user=office
    )
    return services.deposit_review_done(deposit=deposit, on=datetime.date(2026, 5, 11), user=office)


def test_return_not_before_the_deposits_paid_day(office, deposit_a):
    deposit = _returning(deposit_a, office)
    with pytest.raises(ValidationError) as refused:
        services.deposit_return(deposit=deposit, on=datetime.date(2026, 5, 20), user=office)
    assert "on" in refused.value.error_dict
    deposit.refresh_from_db()
    assert deposit.status == "returning" and deposit.balance == Decimal("50000.00")
    services.deposit_return(deposit=deposit, on=datetime.date(2026, 6, 2), user=office)
    deposit.refresh_from_db()
    assert deposit.returned_on == datetime.date(2026, 6, 2) and deposit.balance == 0
    assert DepositEntry.objects.get(deposit=deposit, kind="returned").date == datetime.date(2026, 6, 2)


def test_return_step_in_the_future_is_refused_on_the_page(client_for, office, deposit_a):
    deposit = _returning(deposit_a, office)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("deposits:return_step", args=[deposit.pk, "return"])
    response = client_for(office).post(url, with_token({"on": tomorrow.isoformat()}, office))
    assert any("不能晚于今天" in m for m in messages_of(response))
    deposit.refresh_from_db()
    assert deposit.status == "returning" and deposit.returned_on is None


def test_recovery_not_before_its_advance_nor_capital_in_the_future(township_a, department, office):
    project = make_project(township_a, department)
    services.fund_capital_in(amount="1000", on=PAID, user=office)
    advance = services.advance_pay(
        enterprise=project.contractor, project=project, amount="500", workers=2, on=PAID, user=office
    )
    with pytest.raises(ValidationError):
        services.advance_recover(advance=advance, amount="100", on=PAID - datetime.timedelta(1), user=office)
    with pytest.raises(ValidationError):
        services.fund_capital_in(amount="1", on=timezone.localdate() + datetime.timedelta(1), user=office)
    assert FundEntry.objects.count() == 2
    services.advance_recover(advance=advance, amount="100", on=PAID, user=office)
    assert FundEntry.objects.filter(kind="recovery").get().date == PAID
