"""The desk's figures cached per scope and day (issue 19): ``report_data`` costs 39 queries, the desk is the
landing page of every user, and its figures change only when the records under them do.

The key names the scope (``Scope.key``: the county, one township, an inspector's townships, a department),
the range, the language and the generations of the scope's townships (wagewatch/accounts/generations.py:
every write to a record the figures read replaces them). ``generations.LIFETIME`` bounds how long the desk
may lag behind writes that send no signal.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.translation import get_language

from wagewatch.accounts import generations

from .figures.scope import Scope


def desk_figures(scope: Scope, start: datetime.date, end: datetime.date, compute: Callable[[], dict]) -> dict:
    """``compute()`` (the desk's figures and charts of ``scope`` from ``start`` to ``end``), from the cache
    when no record under it changed since it was computed. They hold texts translated when computed (the
    problems found, the charts' labels): each language has its own entry."""
    span = f"{start:%Y%m%d}-{end:%Y%m%d}"
    # a township scope reads its townships' generations; the county's and a department's (no townships)
    # the county-wide one
    key = generations.cache_key("desk", scope.key, span, get_language(), generations.stamp(scope.townships))
    return generations.cached(key, compute)
