"""Keyset pagination for the long lists (a roster of 5,000, the worker search): ``?after=<id>`` of the last
row shown, a stable order on (key, id), and a WHERE instead of an OFFSET, so page 100 costs what page 1 does
(DESIGN.md §7: deep OFFSET pages cost more at province scale)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Subquery


@dataclass
class KeysetPage:
    rows: list[Any]
    next_after: int | None  # the id to pass as ?after= for the next page; None on the last page
    first: bool  # no ?after= given: the first page


def after_id(value: object) -> int | None:
    """The ``after`` parameter as a positive id; anything else (text, negative, too big) is the first page."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text) or None


def keyset_page(qs: QuerySet, *, after: object, size: int, key: str | None = None) -> KeysetPage:
    """One page of ``qs`` ordered by (``key``, id) that starts after the row whose id is ``after`` (looked up
    inside ``qs``'s model, in the same query as a subquery). One query: a page and one row more."""
    anchor_id = after_id(after)
    order = [key, "pk"] if key else ["pk"]
    qs = qs.order_by(*order)
    if anchor_id is not None:
        qs = qs.filter(_after(qs, anchor_id, key))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows=rows, next_after=rows[-1].pk if more else None, first=anchor_id is None)


def _after(qs: QuerySet, anchor_id: int, key: str | None) -> Q:
    if not key:
        return Q(pk__gt=anchor_id)
    anchor = Subquery(qs.model._default_manager.filter(pk=anchor_id).values(key)[:1])
    return Q(**{f"{key}__gt": anchor}) | Q(**{key: anchor, "pk__gt": anchor_id})
