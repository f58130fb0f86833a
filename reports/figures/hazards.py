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

from projects.models import Hazard, Project

from .scope import Scope, day_after, day_start

LEVELS = [(Project.Grade.GENERAL, "一般隐患"), (Project.Grade.SERIOUS, "严重隐患")]


def open_at(moment: datetime.datetime) -> Q:
    return Q(opened_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def levels_at(scope: Scope, moment: datetime.datetime) -> dict[int, int]:
    """Open hazards at ``moment`` counted by their severity at that moment (one query)."""
    past = (
        Hazard.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("severity")[:1]
    )
    rows = (
        Hazard.objects.filter(scope.q(Hazard))
        .filter(open_at(moment))
        .annotate(level=Coalesce(Subquery(past), F("severity")))
        .values("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {r["level"]: r["n"] for r in rows}
    return {level: counts.get(level, 0) for level, _label in LEVELS}


def hazard_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Levels at start and end, opened / closed (manual, automatic) in the range: 3 queries."""
    lo, hi = day_start(start), day_after(end)
    flows = Hazard.objects.filter(scope.q(Hazard)).aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=lo, opened_at__lt=hi)),
        closed=Count("pk", filter=Q(closed_at__gte=lo, closed_at__lt=hi)),
        auto_closed=Count("pk", filter=Q(closed_at__gte=lo, closed_at__lt=hi, auto_closed=True)),
        overdue_end=Count("pk", filter=open_at(hi) & Q(deadline__lt=end)),
    )
    at_start, at_end = levels_at(scope, lo), levels_at(scope, hi)
    levels = [
        {"level": level, "label": label, "start": at_start[level], "end": at_end[level]}
        for level, label in LEVELS
    ]
    return {
        **flows,
        "levels": levels,
        "open_start": sum(at_start.values()),
        "open_end": sum(at_end.values()),
        "serious_end": at_end[Project.Grade.SERIOUS],
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
