"""Pay-line factory for every app's tests: one line for a roster entry and month."""

import datetime
from decimal import Decimal

from wages.models import PayLine
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.masking import mask_card

CARD = "6228480012345671234"


def make_pay_line(entry, month: datetime.date, **kw) -> PayLine:
    """A line paid in full by bank through the dedicated account on the 10th of the next month, unless
    keyword arguments say otherwise (``card=`` is the full number: stored masked and hashed)."""
    paid_on = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=10)
    card = kw.pop("card", CARD)
    fields = {
        "days": Decimal("22.0"),
        "due": Decimal("6000.00"),
        "deductions": Decimal("0.00"),
        "net": Decimal("6000.00"),
        "paid_on": paid_on,
        "via_account": True,
        "card_masked": mask_card(card) if card else "",
        "card_hash": card_hash(card),
        "bank_status": PayLine.BankStatus.OK,
        "source": PayLine.Source.BANK,
    }
    fields.update(kw)
    return PayLine.objects.create(entry=entry, project=entry.project, month=month, **fields)
