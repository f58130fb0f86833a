"""Reads of the risk sweep: the hazard list (欠薪隐患清单), the dashboard and the run records."""

import datetime
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from projects.models import Hazard, Project, SweepRun
from wagewatch.accounts.models import Department, Township
from wagewatch.accounts.roles import AnyUser
from wagewatch.lib.sorting import Columns, sorted_by

TREND_WEEKS = 12


class TrendWeek(TypedDict):
    """Hazards of one week: opened and closed in it, open at its end."""

    week: datetime.date
    opened: int
    closed: int
    open: int


# the hazard list's sortable columns (?sort=<column> or -<column>): nothing else reaches order_by
HAZARD_SORTS: Columns = {
    "project": "project__name",
    "township": "project__township__sort",
    "department": "department__name",
    "rule": "rule__name",
    "severity": "severity",
    "opened": "opened_at",
    "deadline": "deadline",
    "status": "status",
}


def hazard_list(
    *, user: AnyUser, filters: dict[str, Any], today: datetime.date | None = None, sort: str = ""
) -> QuerySet[Hazard]:
    """Hazards the user may see, filtered, sorted by a HAZARD_SORTS column (else open and severe first); one
    query with the related rows it shows."""
    today = today or timezone.localdate()
    qs = Hazard.objects.visible_to(user).select_related(
        "project", "project__township", "rule", "department", "closed_by"
    )
    for key, lookup in (
        ("township", "project__township"),
        ("department", "department"),
        ("rule", "rule"),
        ("severity", "severity"),
        ("status", "status"),
    ):
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("overdue"):
        qs = qs.filter(status=Hazard.Status.OPEN, deadline__lt=today)
    if filters.get("q"):
        qs = qs.filter(Q(project__name__icontains=filters["q"]) | Q(project__code__icontains=filters["q"]))
    return sorted_by(qs, sort, HAZARD_SORTS, default=("status", "-severity", "deadline", "-id"))


def project_hazards(*, user: AnyUser, project: Project) -> QuerySet[Hazard]:
    """A project's hazards, open first (the project tab)."""
    return (
        Hazard.objects.visible_to(user)
        .filter(project=project)
        .select_related("rule", "department", "closed_by")
        .order_by("status", "-severity", "-opened_at")
    )


def grade_counts(*, user: AnyUser, today: datetime.date) -> list[dict[str, Any]]:
    """Active projects the user may see, counted by grade (one query)."""
    counts = dict(
        Project.objects.visible_to(user)
        .active_on(today)
        .values_list("risk_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [{"grade": g, "label": label, "n": counts.get(g, 0)} for g, label in Project.Grade.choices]


def open_by(*, user: AnyUser, dimension: str) -> list[dict[str, Any]]:
    """Open hazards the user may see by township or department: general / serious / total (one query)."""
    lookup = {"township": "project__township", "department": "department"}[dimension]
    rows = (
        Hazard.objects.visible_to(user)
        .filter(status=Hazard.Status.OPEN)
        .values(lookup)
        .annotate(
            general=Count("pk", filter=Q(severity=Project.Grade.GENERAL)),
            serious=Count("pk", filter=Q(severity=Project.Grade.SERIOUS)),
            total=Count("pk"),
        )
        .order_by()
    )
    counts = {r[lookup]: r for r in rows}
    model: type[Township | Department] = Township if dimension == "township" else Department
    names = model.objects.filter(pk__in=list(counts)).order_by("sort", "code").values_list("pk", "name")
    return [{"name": name, **counts[pk]} for pk, name in names]


def week_starts(today: datetime.date, weeks: int = TREND_WEEKS) -> list[datetime.date]:
    """Mondays of the last ``weeks`` weeks, oldest first (the current week last)."""
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def hazard_trend(*, user: AnyUser, today: datetime.date) -> list[TrendWeek]:
    """Per week: hazards opened, closed, and open at the week's end, from timestamps (one query)."""
    starts = week_starts(today)
    bounds = [(_midnight(s), _midnight(s + datetime.timedelta(weeks=1))) for s in starts]
    aggregates: dict[str, Count] = {}
    for i, (lo, hi) in enumerate(bounds):
        end = min(hi, timezone.now())
        aggregates[f"o{i}"] = Count("pk", filter=Q(opened_at__gte=lo, opened_at__lt=hi))
        aggregates[f"c{i}"] = Count("pk", filter=Q(closed_at__gte=lo, closed_at__lt=hi))
        aggregates[f"s{i}"] = Count(
            "pk", filter=Q(opened_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        )
    row = Hazard.objects.visible_to(user).aggregate(**aggregates)
    return [
        {"week": s, "opened": row[f"o{i}"], "closed": row[f"c{i}"], "open": row[f"s{i}"]}
        for i, s in enumerate(starts)
    ]


def sweep_runs(*, limit: int = 50) -> QuerySet[SweepRun]:
    """The latest sweep runs with who asked for them."""
    return SweepRun.objects.select_related("created_by").order_by("-created_at", "-id")[:limit]
