"""Reads for projects: the filtered project list, a project's roster, account, payroll and inspections."""

import datetime
from typing import Any

from django.db.models import QuerySet

from wagewatch.accounts.access import get_for_user
from wagewatch.accounts.roles import AnyUser, can_edit_field_work

from .filters import InspectionFilter, ProjectFilter
from .models import Inspection, LabourCostTransfer, Payroll, Project, RosterEntry

SORTS = {
    "code": "code",
    "name": "name",
    "start": "start_date",
    "-start": "-start_date",
    "price": "contract_price",
    "-price": "-contract_price",
    "grade": "risk_grade",
    "-grade": "-risk_grade",
}
LIST_FILTERS = ("township", "department", "investment_type", "status", "risk_grade")


def project_for_user(*, user: AnyUser, pk: object, write: bool = False) -> Project:
    """The project for its pages (any app's tab): 404 unless the user sees it; ``write``: 403 unless he
    does field work."""
    qs = Project.objects.select_related("township", "department", "builder", "contractor")
    return get_for_user(qs, user, pk, write=write)


def projects_writable(*, user: AnyUser | None) -> QuerySet[Project]:
    """The projects whose rosters the user may write: his scope, if he does field work (else none)."""
    if user is None or not can_edit_field_work(user):
        return Project.objects.none()
    return Project.objects.visible_to(user).select_related("township")


def project_list(*, user: AnyUser, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """Projects the user may see, filtered, searched (name, code, enterprise), sorted; one query a page."""
    filters = filters or {}
    qs = Project.objects.visible_to(user).select_related("township", "department", "builder", "contractor")
    qs = ProjectFilter.apply(qs, filters)
    order = SORTS.get(filters.get("sort") or "")
    return qs.order_by(order, "pk") if order else qs.order_by("-start_date", "code", "pk")


def project_roster(*, project: Project) -> QuerySet[RosterEntry]:
    """The project's roster entries with worker and employer."""
    return (
        RosterEntry.objects.filter(project=project)
        .select_related("worker", "employer")
        .order_by("team", "id")
    )


def project_transfers(*, project: Project) -> QuerySet[LabourCostTransfer]:
    """Labour-cost transfers of the project, newest month first."""
    return LabourCostTransfer.objects.filter(project=project).order_by("-month", "-id")


def project_payrolls(*, project: Project) -> QuerySet[Payroll]:
    """Payroll months of the project, newest first."""
    return Payroll.objects.filter(project=project).order_by("-month")


def project_inspections(*, project: Project) -> QuerySet[Inspection]:
    """Inspections of the project with their inspectors."""
    return Inspection.objects.filter(project=project).prefetch_related("inspectors").order_by("-date", "-id")


def inspection_list(*, user: AnyUser, filters: dict[str, Any] | None = None) -> QuerySet[Inspection]:
    """Inspections the user may see (of projects and of employers without one), filtered, newest first; one
    query a page plus one for the inspectors."""
    qs = Inspection.objects.visible_to(user).select_related(
        "project__township", "project__contractor", "enterprise", "township"
    )
    qs = InspectionFilter.apply(qs, filters or {})
    return qs.prefetch_related("inspectors").order_by("-date", "-id")


def inspection_for_user(*, user: AnyUser, pk: object, write: bool = False) -> Inspection:
    """An inspection of an employer without a project, for its pages: 404 unless the user sees it (a site
    inspection is opened through its project)."""
    qs = Inspection.objects.filter(project__isnull=True).select_related("enterprise", "township")
    return get_for_user(qs, user, pk, write=write)


def project_history(*, project: Project) -> QuerySet:
    """Audit records (simple-history) of the project itself, newest first."""
    return project.history.select_related("history_user").order_by("-history_date")[:200]


def active_projects_by_township(*, day: datetime.date) -> list[tuple[str, list[tuple[int, str]]]]:
    """Projects under way on ``day`` as (township name, [(pk, project name)…]) in township order: the public
    complaint form's list of sites (public data: a site's notice board names it). One query."""
    rows = (
        Project.objects.active_on(day)
        .order_by("township__sort", "township__code", "name", "pk")
        .values_list("pk", "name", "township__name")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, township in rows:
        groups.setdefault(township, []).append((pk, name))
    return list(groups.items())
