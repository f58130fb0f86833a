"""Reads for projects: the filtered project list, a project's roster, account, payroll and inspections."""

import datetime
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from wagewatch.accounts.access import get_for_user
from wagewatch.accounts.roles import AnyUser, can_edit_field_work
from wagewatch.lib.keyset import KeysetPage, keyset_page
from wagewatch.lib.sorting import Columns, sorted_by

from .filters import InspectionFilter, ProjectFilter, RosterFilter
from .models import Enterprise, Inspection, LabourCostTransfer, Payroll, Project, RosterEntry, Worker
from .search import worker_match

# the list's sortable columns (?sort=<column> or -<column>): nothing else reaches order_by
SORTS: Columns = {
    "code": "code",
    "name": "name",
    "township": "township__sort",
    "department": "department__name",
    "investment": "investment_type",
    "contractor": "contractor__name",
    "start": "start_date",
    "price": "contract_price",
    "status": "status",
    "grade": "risk_grade",
}
LIST_FILTERS = ("township", "department", "investment_type", "status", "risk_grade")


def project_for_user(*, user: AnyUser, pk: object, write: bool = False) -> Project:
    """The project for its pages (any app's tab): 404 unless the user sees it; ``write``: 403 unless he
    does field work."""
    qs = Project.objects.select_related("township", "department", "builder", "contractor")
    return get_for_user(qs, user, pk, write=write)


def project_counts(*, project: Project) -> dict[str, int]:
    """The overview's counts (roster rows, transfers, payrolls, inspections): one query of four scalar
    counts (written out: the ORM's four subqueries cost more Python than the four queries they replace)."""
    related = {
        "workers": RosterEntry,
        "transfers": LabourCostTransfer,
        "payrolls": Payroll,
        "inspections": Inspection,
    }
    columns = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)} WHERE project_id = %s)"
        for model in related.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", [project.pk] * len(related))
        row = cursor.fetchone()
    return dict(zip(related, row, strict=True))


def projects_writable(*, user: AnyUser | None) -> QuerySet[Project]:
    """The projects whose rosters the user may write: his scope, if he does field work (else none)."""
    if user is None or not can_edit_field_work(user):
        return Project.objects.none()
    return Project.objects.visible_to(user).select_related("township")


def project_list(*, user: AnyUser, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """Projects the user may see, filtered, searched (name, code, enterprise), sorted; one query a page."""
    filters = filters or {}
    qs = Project.objects.visible_to(user).select_related("township", "department", "contractor")
    qs = ProjectFilter.apply(qs, filters)
    return sorted_by(qs, filters.get("sort"), SORTS, default=("-start_date", "code", "pk"))


def project_roster(*, project: Project, filters: dict[str, Any] | None = None) -> QuerySet[RosterEntry]:
    """The project's roster entries with worker and employer, searched and filtered (RosterFilter)."""
    qs = RosterEntry.objects.filter(project=project).select_related("worker", "employer")
    return RosterFilter.apply(qs, filters or {}).order_by("team", "id")


def roster_page(*, project: Project, filters: dict[str, Any], after: object, size: int) -> KeysetPage:
    """One page of the filtered roster after the entry ``after`` in (team, id) order: no OFFSET, so the 100th
    page of 5,000 workers costs what the first does (one query)."""
    return keyset_page(project_roster(project=project, filters=filters), after=after, size=size, key="team")


def roster_teams(*, project: Project) -> list[str]:
    """The teams (班组) named on the project's roster, for the roster's filter."""
    teams = RosterEntry.objects.filter(project=project).exclude(team="").values_list("team", flat=True)
    return list(teams.order_by("team").distinct())


def roster_employers(*, project: Project) -> QuerySet[Enterprise]:
    """The employers of the project's roster entries, for the roster's filter."""
    ids = RosterEntry.objects.filter(project=project, employer__isnull=False).values("employer_id")
    return Enterprise.objects.filter(pk__in=ids).only("pk", "name").order_by("name", "pk")


def worker_search(
    *, user: AnyUser, text: str, after: object, size: int, worker_id: int | None = None
) -> KeysetPage:
    """Workers on rosters the user may see matching ``text`` (worker_match) or the one ``worker_id``, each
    with those roster entries and their projects (``visible_entries``); keyset pages by id. Two queries; none
    without text or id."""
    if not text.strip() and not worker_id:
        return KeysetPage(rows=[], next_after=None, first=True)
    entries = RosterEntry.objects.visible_to(user).select_related("project").order_by("project__code", "pk")
    qs = (
        Worker.objects.visible_to(user)
        .filter(worker_match(text) if text.strip() else Q(pk=worker_id))
        .prefetch_related(Prefetch("roster_entries", queryset=entries, to_attr="visible_entries"))
    )
    return keyset_page(qs, after=after, size=size)


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
