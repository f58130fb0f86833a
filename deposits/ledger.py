"""The one way a balance moves (deposits and the fund): an entry saved and the balance moved by its signed
amount, under the caller's row lock, in history with the user."""

from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import DepositEntry, EmergencyFund, FundEntry, WageDeposit
from .selectors import Amount, money

_M = TypeVar("_M", bound=models.Model)


def positive_amount(amount: Amount) -> Decimal:
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("金额必须大于0")})
    return amount


def saved(obj: _M, user: User | None, **kwargs: Any) -> _M:
    if user is not None:
        vars(obj)["_history_user"] = user  # the user django-simple-history names in the row save() writes
    obj.save(**kwargs)
    return obj


def move_balance(
    account: WageDeposit | EmergencyFund,
    entry: DepositEntry | FundEntry,
    user: User | None,
    *,
    shortfall: str,
) -> None:
    """Save ``entry`` and move ``account.balance`` by its signed amount; the caller holds the row lock.

    Refused (``shortfall`` % balance) when the balance would go below zero.
    """
    if account.balance + entry.signed_amount < 0:
        raise ValidationError({"amount": shortfall % {"balance": account.balance}})
    saved(entry, user)
    account.balance += entry.signed_amount
    saved(account, user, update_fields=["balance"])
