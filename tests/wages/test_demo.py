"""The demo county's pay lines show each fault the arrears cards are about; seeding twice adds nothing."""

import io

from django.utils import timezone

from projects import demo as projects_demo
from wages import demo
from wages.models import PayLine
from wages.selectors import arrears
from wagewatch.accounts import demo as accounts_demo


def test_demo_lines_carry_each_fault_and_seed_idempotently(db):
    out = io.StringIO()
    accounts_demo.seed(stdout=out)
    projects_demo.seed(stdout=out)
    demo.seed(stdout=out)
    count = PayLine.objects.count()
    demo.seed(stdout=out)
    assert PayLine.objects.count() == count > 0
    lines = PayLine.objects.select_related("entry")
    assert lines.filter(bank_status=PayLine.BankStatus.FAILED).exists()
    assert lines.filter(via_account=False).exists()
    assert lines.filter(source=PayLine.Source.ATTENDANCE, due__isnull=True).exists()
    assert any(line.card_matches is False for line in lines)
    stock = arrears(PayLine.objects.all(), on=timezone.localdate())
    assert stock.workers > 0 and stock.amount > 0 and stock.unknown > 0
