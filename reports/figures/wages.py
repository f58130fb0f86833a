"""Arrears owed (欠薪) from the pay lines (DESIGN §8): the stock on the range's first and last day, like
the hazards — a campaign's summary opens with the arrears owed on its first day. Money in yuan, 万元 and
亿元. A day before any line of the scope fell due is *unknown*, never zero (DESIGN §9)."""

import datetime

from wages.models import PayLine
from wages.selectors import arrears, lines_fell_due

from .common import wan, yi
from .scope import Scope


def arrears_scope_q(scope: Scope):
    """Lines of the scope's projects: by township, or by the project's industry department."""
    return scope.q(township="project__township", department="project__department")


def _stock(lines, day: datetime.date) -> dict:
    owed = arrears(lines, on=day)
    return {
        "day": day,
        "known": lines_fell_due(lines, on=day),
        "workers": owed.workers,
        "yuan": owed.amount,
        "wan": wan(owed.amount),
        "yi": yi(owed.amount),
        "oldest_month": owed.oldest_month,
        "unknown_amount": owed.unknown,
    }


def arrears_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """The arrears stock on ``start`` and on ``end`` (four queries)."""
    lines = PayLine.objects.filter(arrears_scope_q(scope))
    return {"start": _stock(lines, start), "end": _stock(lines, end)}
