"""On PostgreSQL, 20 threads draw from one deposit at once: the row lock keeps the books right."""

import datetime
import threading
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from deposits import services
from deposits.models import DepositEntry, WageDeposit
from tests.once import with_token

from .factories import make_deposit, make_order, make_project

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_draws_never_overdraw(township_a, department, office):
    project = make_project(township_a, department)
    deposit = make_deposit(project, cash="1000.00", user=office)
    order = make_order(project)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def draw():
        try:
            barrier.wait()
            services.deposit_draw(
                deposit=deposit,
                order=order,
                amount=Decimal("100.00"),
                on=datetime.date(2026, 6, 1),
                user=office,
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # a database error is a failure of the test, reported below
            outcomes.append(f"error {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=draw) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    deposit.refresh_from_db()
    signed = sum((e.signed_amount for e in DepositEntry.objects.filter(deposit=deposit)), Decimal("0.00"))
    assert outcomes.count("ok") == 10, outcomes  # 1000 / 100
    assert outcomes.count("refused") == 10, outcomes
    assert deposit.balance == Decimal("0.00")
    assert deposit.balance == signed  # lost updates would break this
    assert WageDeposit.objects.filter(balance__lt=0).count() == 0


def _run_together(jobs) -> list[str]:
    """Start every job at once (a barrier), each on its own connection; the outcomes in any order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(job):
        try:
            barrier.wait()
            job()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # a database error is a failure of the test, reported below
            outcomes.append(f"error {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_mixed_steps_at_once_keep_balance_equal_to_entries(township_a, department, office):
    """Pay-ins and draws race the exemption and return steps, each on a copy read before (as a view does)."""
    small = make_project(township_a, department, contract_price=Decimal("2999999.99"))  # exemption proposed
    deposit = make_deposit(small, cash="1000.00", user=office)
    order = make_order(small)
    on = datetime.date(2026, 6, 1)
    january = on.replace(month=1)
    start = {"completed_on": january, "promise_received_on": january, "notice_from": january}
    services.deposit_return_start(deposit=deposit, user=office, **start)

    def stale():
        return WageDeposit.objects.get(pk=deposit.pk)

    jobs = [
        partial(services.deposit_pay_in, deposit=stale(), amount="100.00", on=on, user=office)
        for _ in range(8)
    ]
    jobs += [
        partial(services.deposit_draw, deposit=stale(), order=order, amount="50.00", on=on, user=office)
        for _ in range(4)
    ]
    jobs += [
        partial(services.deposit_exempt, deposit=stale(), reason="小额工程", user=office, on=on)
        for _ in range(2)
    ]
    jobs += [partial(services.deposit_return_start, deposit=stale(), user=office, **start) for _ in range(2)]
    jobs += [partial(services.deposit_review_done, deposit=stale(), on=on, user=office) for _ in range(2)]
    outcomes = _run_together(jobs)

    deposit.refresh_from_db()
    signed = sum((e.signed_amount for e in DepositEntry.objects.filter(deposit=deposit)), Decimal("0.00"))
    assert outcomes.count("ok") == len(jobs), outcomes
    assert deposit.balance == signed == Decimal("1600.00")  # 1000 + 8 × 100 − 4 × 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_draws_never_exceed_the_order(township_a, department, office):
    project = make_project(township_a, department)
    deposit = make_deposit(project, cash="5000.00", user=office)
    order = make_order(project)
    order.amount = Decimal("500.00")
    order.save(update_fields=["amount"])
    draw = partial(
        services.deposit_draw,
        deposit=deposit,
        order=order,
        amount="100.00",
        on=datetime.date(2026, 6, 1),
        user=office,
    )
    outcomes = _run_together([draw for _ in range(10)])
    assert sorted(outcomes) == ["ok"] * 5 + ["refused"] * 5, outcomes
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("4500.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_token_posted_by_several_tabs_at_once_writes_once(township_a, department, office, client_for):
    """The claim of the form token waits on its unique index: only one of the simultaneous POSTs writes."""
    deposit = make_deposit(make_project(township_a, department), cash="1000.00", user=office)
    url = reverse("deposits:entry_add", args=[deposit.pk])
    data = with_token({"kind": "paid_in", "amount": "100", "date": "2026-06-01"}, office)
    clients = [client_for(office) for _ in range(5)]
    statuses: list[int] = []

    def post(client):
        return lambda: statuses.append(client.post(url, data).status_code)

    outcomes = _run_together([post(c) for c in clients])
    assert outcomes == ["ok"] * 5 and statuses == [302] * 5
    assert DepositEntry.objects.filter(deposit=deposit).count() == 2  # the first pay-in + one
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("1100.00")
