"""deposits/demo.py seeds the demo county and is idempotent."""

import io

from deposits import demo
from deposits.models import DepositEntry, EmergencyAdvance, EmergencyFund, Guarantee, WageDeposit

from .factories import make_project


def test_demo_seed_twice_gives_one_result(township_a, department, office):
    for _ in range(8):
        make_project(township_a, department)
    demo.seed(stdout=io.StringIO())
    counts = (WageDeposit.objects.count(), Guarantee.objects.count(), DepositEntry.objects.count())
    demo.seed(stdout=io.StringIO())
    assert counts == (WageDeposit.objects.count(), Guarantee.objects.count(), DepositEntry.objects.count())
    assert counts[0] == 7  # most projects, not all
    drawn = DepositEntry.objects.get(kind="drawn")
    assert drawn.order.is_ignored(drawn.date)
    assert EmergencyAdvance.objects.count() == 1
    assert EmergencyFund.objects.get().balance == 500000 - 86000 + 30000
    for deposit in WageDeposit.objects.all():
        signed = sum(e.signed_amount for e in deposit.entries.all())
        assert deposit.balance == signed
