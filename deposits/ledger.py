"""The one way a balance moves (deposits and the fund): an entry saved and the balance moved by its signed
amount, under the caller's row lock, in history with the user."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .selectors import money


def positive_amount(amount) -> Decimal:
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("金额必须大于0")})
    return amount


def saved(obj, user, **kwargs):
    if user is not None:
        obj._history_user = user
    obj.save(**kwargs)
    return obj


def move_balance(account, entry, user, *, shortfall: str) -> None:
    """Save ``entry`` and move ``account.balance`` by its signed amount; the caller holds the row lock.

    Refused (``shortfall`` % balance) when the balance would go below zero.
    """
    if account.balance + entry.signed_amount < 0:
        raise ValidationError({"amount": shortfall % {"balance": account.balance}})
    saved(entry, user)
    account.balance += entry.signed_amount
    saved(account, user, update_fields=["balance"])
