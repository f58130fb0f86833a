"""On PostgreSQL, 20 threads draw from one deposit at once: the row lock keeps the books right."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from deposits import services
from deposits.models import DepositEntry, WageDeposit

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
