"""The county's emergency revolving fund (应急周转金): capital in, advances paid and recovered, under a row
lock on the fund's balance."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Enterprise, Project
from wagewatch.lib.bounds import check_step_day

from .ledger import move_balance, positive_amount, saved
from .models import (
    EmergencyAdvance,
    EmergencyFund,
    FundEntry,
)
from .selectors import Amount


def fund_get() -> EmergencyFund:
    """The county's one fund row (created empty on first use)."""
    return EmergencyFund.objects.get_or_create(key="county")[0]


def _fund_post(
    *,
    kind: str,
    amount: Decimal,
    on: datetime.date,
    user: User,
    note: str = "",
    advance: EmergencyAdvance | None = None,
) -> FundEntry:
    check_step_day(on, name="date")
    fund_get()
    with transaction.atomic():
        fund = EmergencyFund.objects.select_for_update().get(key="county")
        entry = FundEntry(
            fund=fund, kind=kind, amount=amount, date=on, advance=advance, note=note, created_by=user
        )
        move_balance(fund, entry, user, shortfall=_("应急周转金余额不足（%(balance)s 元）"))
    return entry


def fund_capital_in(*, amount: Amount, on: datetime.date, user: User, note: str = "") -> FundEntry:
    """Money put into the fund (财政注资)."""
    return _fund_post(
        kind=FundEntry.Kind.CAPITAL, amount=positive_amount(amount), on=on, user=user, note=note
    )


def advance_pay(
    *,
    enterprise: Enterprise,
    amount: Amount,
    workers: int,
    on: datetime.date,
    user: User,
    project: Project | None = None,
    note: str = "",
) -> EmergencyAdvance:
    """Advance wages to workers out of the fund (垫付); refused beyond the fund's balance."""
    amount = positive_amount(amount)
    if not 1 <= workers <= EmergencyAdvance.MAX_WORKERS:
        raise ValidationError(
            {"workers": _("垫付人数应为1至%(max)s人") % {"max": EmergencyAdvance.MAX_WORKERS}}
        )
    with transaction.atomic():
        advance = EmergencyAdvance(
            project=project,
            enterprise=enterprise,
            township_id=project.township_id if project else None,
            amount=amount,
            workers=workers,
            paid_on=on,
            note=note,
            created_by=user,
        )
        saved(advance, user)
        _fund_post(kind=FundEntry.Kind.ADVANCE, amount=amount, on=on, user=user, note=note, advance=advance)
    return advance


def advance_recover(
    *, advance: EmergencyAdvance, amount: Amount, on: datetime.date, user: User, note: str = ""
) -> FundEntry:
    """Money recovered from the employer back into the fund (追回), never more than is outstanding."""
    amount = positive_amount(amount)
    with transaction.atomic():
        advance = EmergencyAdvance.objects.select_for_update().get(pk=advance.pk)
        check_step_day(on, steps=[("paid", advance.paid_on)], name="date")
        if amount > advance.outstanding:
            raise ValidationError({"amount": _("超过未追回金额 %(left)s 元") % {"left": advance.outstanding}})
        entry = _fund_post(
            kind=FundEntry.Kind.RECOVERY, amount=amount, on=on, user=user, note=note, advance=advance
        )
        advance.recovered += amount
        saved(advance, user, update_fields=["recovered"])
    return entry
