"""Demo county pay lines: six recent months for most projects' roster entries, with the faults a county
meets — a worker left unpaid, wages paid short, a bank transfer failed, wages sent to another card, wages
paid in cash outside the dedicated account, attendance with no pay sheet — so the arrears cards and the
arrears ledger show something real. Projects with ``i % 3 == 2`` keep reporting totals only."""

import datetime
from decimal import Decimal

from django.utils import timezone

from projects.models import Project, RosterEntry
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.masking import mask_card

from .models import PayLine
from .selectors import payday_date
from .services import on_roster_in

MONTHS = 6
DUE = Decimal("6000.00")


def _card(entry: RosterEntry) -> str:
    """The demo worker's registered card: 16 digits ending as the roster's masked number shows."""
    return f"62284800{entry.worker_id % 10000:04d}{entry.card_masked[-4:]}"


def _months_back(first: datetime.date, n: int) -> datetime.date:
    y, m = divmod(first.year * 12 + first.month - 1 - n, 12)
    return datetime.date(y, m + 1, 1)


def seed(*, stdout) -> None:
    today = timezone.localdate()
    projects = Project.objects.filter(code__startswith="DEMO-").order_by("code")
    n = 0
    for i, project in enumerate(projects):
        entries = list(RosterEntry.objects.filter(project=project).order_by("id"))
        for entry in entries:
            entry.card_hash = card_hash(_card(entry))
        RosterEntry.objects.bulk_update(entries, ["card_hash"])
        if i % 3 == 2:
            continue
        for back in range(MONTHS, 0, -1):
            month = _months_back(today.replace(day=1), back)
            for k, entry in enumerate(entries):
                if on_roster_in(entry, month) and month >= project.start_date.replace(day=1):
                    _line(project, entry, month, fault=_fault(i, k, back), today=today)
                    n += 1
    stdout.write(f"  pay lines {n}")


def _fault(i: int, k: int, back: int) -> str:
    """Which fault (if any) the demo puts on project i's k-th worker ``back`` months ago."""
    if k == 0 and back in (2, 3):
        return ["attendance", "unpaid", "pay_sheet", "short", "failed", "wrong_card", "cash"][i % 7]
    if k == 1 and back == 2 and i % 7 == 3:
        return "short"
    return ""


def _line(project, entry, month, *, fault: str, today) -> None:
    paid_on = payday_date(month, project.payday) - datetime.timedelta(days=1)
    card = "6217000011112222" if fault == "wrong_card" else _card(entry)
    values = {
        "project": project,
        "days": Decimal("22.0") if month.month % 2 else Decimal("24.5"),
        "due": DUE,
        "deductions": Decimal("200.00"),
        "net": DUE - Decimal("200.00"),
        "paid_on": paid_on if paid_on <= today else None,
        "via_account": True,
        "card_masked": mask_card(card),
        "card_hash": card_hash(card),
        "bank_reference": f"DEMO-{entry.pk}-{month:%Y%m}",
        "bank_status": PayLine.BankStatus.OK,
        "bank_reason": "",
        "signed": True,
        "source": PayLine.Source.BANK,
    }
    if values["paid_on"] is None:  # not yet paid: the pay sheet only
        values.update(net=None, bank_reference=None, bank_status="", card_masked="", card_hash="")
    values.update(_FAULTS.get(fault, {}))
    PayLine.objects.update_or_create(entry=entry, month=month, defaults=values)


_NOTHING_PAID = {"net": None, "paid_on": None, "bank_reference": None, "bank_status": "", "card_masked": ""}
_NOTHING_PAID |= {"card_hash": ""}
_FAULTS = {
    "attendance": {**_NOTHING_PAID, "due": None, "source": PayLine.Source.ATTENDANCE, "signed": False},
    "unpaid": {**_NOTHING_PAID, "source": PayLine.Source.SHEET, "signed": False},
    "pay_sheet": {"source": PayLine.Source.SHEET},
    "short": {"net": Decimal("3800.00")},
    "failed": {"bank_status": PayLine.BankStatus.FAILED, "bank_reason": "户名与卡号不符"},
    "wrong_card": {},
    "cash": {
        "via_account": False,
        "bank_reference": None,
        "bank_status": "",
        "card_masked": "",
        "card_hash": "",
    }
    | {"source": PayLine.Source.SHEET},
}
