"""Projects by grade (DESIGN §9), a stock: an active project's grade on a day is its worst hazard open
that day — 无 / 一般 / 严重 — each hazard at its severity of that moment (read from its history, as
``hazards.levels_at``). A project with several open hazards counts once, under the worst. "No-arrears
share" = projects graded 无 ÷ active projects. Hazards by level (``hazards.py``) are a different figure."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from projects.models import Hazard, Project

from .common import rate
from .hazards import level_at, open_at
from .scope import Scope, day_after, day_start

GRADES = [
    (Project.Grade.NONE, gettext_lazy("无隐患")),
    (Project.Grade.GENERAL, gettext_lazy("一般隐患")),
    (Project.Grade.SERIOUS, gettext_lazy("严重隐患")),
]


def grades_at(scope: Scope, day: datetime.date, moment: datetime.datetime) -> dict[int, int]:
    """Projects of the scope active on ``day``, counted by their worst hazard open at ``moment`` (one
    query: a correlated subquery picks each project's worst level, then the projects are grouped by it)."""
    worst = (
        Hazard.objects.filter(project=OuterRef("pk"))
        .filter(open_at(moment))
        .annotate(level=level_at(moment))
        .order_by("-level")
        .values("level")[:1]
    )
    rows = (
        Project.objects.filter(scope.q(Project))
        .active_on(day)
        .annotate(grade=Coalesce(Subquery(worst), Value(Project.Grade.NONE), output_field=IntegerField()))
        .values("grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {r["grade"]: r["n"] for r in rows}
    return {grade: counts.get(grade, 0) for grade, _label in GRADES}


def _stock(counts: dict[int, int] | None) -> dict:
    """Counts and shares of one day; all ``None`` when the stock is not known that day."""
    if counts is None:
        unknown = [{"grade": g, "label": str(label), "n": None, "share": None} for g, label in GRADES]
        return {"known": False, "total": None, "clean": None, "clean_rate": None, "grades": unknown}
    total = sum(counts.values())
    return {
        "known": True,
        "total": total,
        "clean": counts[Project.Grade.NONE],
        "clean_rate": rate(counts[Project.Grade.NONE], total),
        "grades": [
            {"grade": g, "label": str(label), "n": counts[g], "share": rate(counts[g], total)}
            for g, label in GRADES
        ],
    }


def grade_figures(
    scope: Scope, start: datetime.date, end: datetime.date, *, known_start: bool, known_end: bool
) -> dict:
    """Projects by grade at the start of ``start`` and at the end of ``end``: one query for each known day."""
    at_start = grades_at(scope, start, day_start(start)) if known_start else None
    at_end = grades_at(scope, end, day_after(end)) if known_end else None
    first, last = _stock(at_start), _stock(at_end)
    rows = [
        {"grade": a["grade"], "label": a["label"], "start": a["n"], "start_share": a["share"],
         "end": b["n"], "end_share": b["share"]}
        for a, b in zip(first["grades"], last["grades"], strict=True)
    ]  # fmt: skip
    return {"start": first, "end": last, "rows": rows}
