"""Hazard figures: open hazards by level at the range's start and end (stocks), opened and closed (flows).

The level of a hazard at a past moment is read from its history (the severity changes in place, each
change recorded by django-simple-history); a hazard without a history row before that moment — e.g. rows
written before history was kept — counts with its current severity.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from projects.models import Hazard, Project

from .scope import Scope, day_after, day_start

LEVELS = [
    (Project.Grade.GENERAL, gettext_lazy("一般隐患")),
    (Project.Grade.SERIOUS, gettext_lazy("严重隐患")),
]


def open_at(moment: datetime.datetime) -> Q:
    return Q(opened_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def level_at(moment: datetime.datetime) -> Coalesce:
    """A hazard's severity at ``moment``: its last history row before then, else its current severity."""
    past = (
        Hazard.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("severity")[:1]
    )
    return Coalesce(Subquery(past), F("severity"))


def levels_at(scope: Scope, moment: datetime.datetime) -> dict[int, int]:
    """Open hazards at ``moment`` counted by their severity at that moment (one query)."""
    rows = (
        Hazard.objects.filter(scope.q(Hazard))
        .filter(open_at(moment))
        .annotate(level=level_at(moment))
        .values("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {r["level"]: r["n"] for r in rows}
    return {level: counts.get(level, 0) for level, _label in LEVELS}


def _get(counts: dict[int, int] | None, level: int) -> int | None:
    return None if counts is None else counts[level]


def hazard_figures(
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    *,
    known_start: bool = True,
    known_end: bool = True,
) -> dict:
    """Levels at start and end, opened / closed (manual, automatic) in the range: 3 queries (one less for
    each end whose stock is not known: its levels are ``None``, never 0 — DESIGN §9)."""
    lo, hi = day_start(start), day_after(end)
    flows = Hazard.objects.filter(scope.q(Hazard)).aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=lo, opened_at__lt=hi)),
        closed=Count("pk", filter=Q(closed_at__gte=lo, closed_at__lt=hi)),
        auto_closed=Count("pk", filter=Q(closed_at__gte=lo, closed_at__lt=hi, auto_closed=True)),
        overdue_end=Count("pk", filter=open_at(hi) & Q(deadline__lt=end)),
    )
    at_start = levels_at(scope, lo) if known_start else None
    at_end = levels_at(scope, hi) if known_end else None
    levels = [
        {"level": level, "label": str(label), "start": _get(at_start, level), "end": _get(at_end, level)}
        for level, label in LEVELS
    ]
    if at_end is None:
        flows["overdue_end"] = None
    return {
        **flows,
        "levels": levels,
        "known_start": known_start,
        "known_end": known_end,
        "open_start": None if at_start is None else sum(at_start.values()),
        "open_end": None if at_end is None else sum(at_end.values()),
        "serious_end": None if at_end is None else at_end[Project.Grade.SERIOUS],
    }


def open_by_unit(scope: Scope, end: datetime.date) -> list[Mapping[str, Any]]:
    """Hazards open at the end of ``end`` per (township, department) pair, for the rankings (one query)."""
    return list(
        Hazard.objects.filter(scope.q(Hazard))
        .filter(open_at(day_after(end)))
        .values("project__township_id", "department_id")
        .annotate(n=Count("pk"), serious=Count("pk", filter=Q(severity=Project.Grade.SERIOUS)))
        .order_by()
    )
