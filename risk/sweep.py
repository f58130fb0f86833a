"""The set-based sweep: evaluate every enabled rule over all active projects, then reconcile hazards.

Query budget (fixed, whatever the number of projects): rule rows (locked), active projects, each rule's
own queries (+ a savepoint pair), open hazards, then one bulk insert/update per kind of change with its
history rows, and one UPDATE of project grades.
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.models import Hazard, Project, RiskRule
from wagewatch.lib import law
from wagewatch.lib.workdays import add_workdays_info

from .rules import REGISTRY, capture_failures

log = logging.getLogger(__name__)


class Rated(NamedTuple):
    """A finding with its severity settled (the rule's own where the rule left it to the row)."""

    severity: int
    detail: str


@dataclass
class Evaluation:
    findings: dict[int, dict[int, Rated]] = field(default_factory=dict)  # rule id → project → finding
    skipped: dict[int, set[int]] = field(default_factory=dict)  # rule id → projects that failed
    errors: list[dict] = field(default_factory=list)


@dataclass
class Changes:
    opened: list[Hazard] = field(default_factory=list)
    changed: list[Hazard] = field(default_factory=list)
    closed: list[Hazard] = field(default_factory=list)


def thresholds_of(rule: RiskRule) -> dict[str, Any]:
    """The row's thresholds over the registry's defaults (a key added in code needs no data edit)."""
    spec = REGISTRY.get(rule.code)
    return {**(spec.thresholds if spec else {}), **(rule.thresholds or {})}


def evaluate_rule(
    rule: RiskRule, projects: QuerySet[Project], today: datetime.date
) -> tuple[dict[int, Rated], dict[int, str]]:
    """{project_id: (severity, detail)} for one rule, and the projects it could not evaluate."""
    spec = REGISTRY.get(rule.code)
    if spec is None or spec.func is None:
        raise LookupError(_("规则 %(c)s 没有对应的程序") % {"c": rule.code})
    with capture_failures() as failures:
        raw = spec.func(projects, thresholds_of(rule), today)
    return {pid: Rated(sev or rule.severity, detail) for pid, (sev, detail) in raw.items()}, failures


def evaluate(rules: list[RiskRule], projects: QuerySet[Project], today: datetime.date) -> Evaluation:
    """Run each rule; a rule that fails is logged and skipped, its hazards left as they are."""
    result = Evaluation()
    for rule in rules:
        try:
            with transaction.atomic():  # a failed statement must not poison the sweep's transaction
                found, failures = evaluate_rule(rule, projects, today)
        except Exception as exc:
            log.exception("risk rule %s failed", rule.code)
            result.errors.append(
                {"rule": rule.code, "project": None, "error": f"{type(exc).__name__}: {exc}"}
            )
            continue
        result.findings[rule.pk] = found
        result.skipped[rule.pk] = set(failures)
        result.errors.extend({"rule": rule.code, "project": pid, "error": e} for pid, e in failures.items())
    return result


def reconcile(
    evaluation: Evaluation, departments: dict[int, int], today: datetime.date, *, only_these: bool = False
) -> Changes:
    """Compare findings with the open hazards of the evaluated rules; returns unsaved changes.

    ``only_these``: the evaluation covered just the projects of ``departments`` (a sweep of one project),
    so the other projects' hazards are left alone.
    """
    now = timezone.now()
    deadline, complete = add_workdays_info(today, law.HAZARD_RECTIFY_WORKDAYS())
    changes = Changes()
    open_hazards = Hazard.objects.filter(status=Hazard.Status.OPEN, rule_id__in=list(evaluation.findings))
    if only_these:
        open_hazards = open_hazards.filter(project_id__in=list(departments))
    seen: set[tuple[int, int]] = set()
    for hazard in open_hazards:
        key = (hazard.rule_id, hazard.project_id)
        seen.add(key)
        finding = evaluation.findings[hazard.rule_id].get(hazard.project_id)
        if finding is None:
            if hazard.project_id not in evaluation.skipped[hazard.rule_id]:
                hazard.status, hazard.closed_at, hazard.auto_closed = Hazard.Status.CLOSED, now, True
                hazard.close_note = _("信号消除，系统自动销号")
                changes.closed.append(hazard)
        elif finding != (hazard.severity, hazard.detail):  # a new level, or new workers behind it
            hazard.severity, hazard.detail = finding
            changes.changed.append(hazard)
    for rule_id, found in evaluation.findings.items():
        for project_id, (severity, detail) in found.items():
            if (rule_id, project_id) in seen or project_id not in departments:
                continue
            changes.opened.append(
                Hazard(
                    project_id=project_id,
                    rule_id=rule_id,
                    severity=severity,
                    department_id=departments[project_id],
                    detail=detail,
                    opened_at=now,
                    deadline=deadline,
                    calendar_complete=complete,
                )
            )
    return changes


def save_changes(changes: Changes, *, user: User | None = None) -> None:
    """Write the changes in bulk, each with its history rows."""
    if changes.opened:
        bulk_create_with_history(changes.opened, Hazard, default_user=user)
    if changes.changed:
        bulk_update_with_history(changes.changed, Hazard, ["severity", "detail"], default_user=user)
    if changes.closed:
        fields = ["status", "closed_at", "auto_closed", "close_note"]
        bulk_update_with_history(changes.closed, Hazard, fields, default_user=user)


def grade_expression() -> Coalesce:
    """A project's grade: the worst severity of its open hazards, 0 when none."""
    worst = (
        Hazard.objects.filter(project=OuterRef("pk"), status=Hazard.Status.OPEN)
        .order_by()
        .values("project")
        .annotate(worst=Max("severity"))
        .values("worst")
    )
    return Coalesce(Subquery(worst), Value(Project.Grade.NONE))


def update_grades(projects: QuerySet[Project] | None = None) -> int:
    """Set risk_grade on the projects whose worst open hazard changed; one UPDATE."""
    grade = grade_expression()
    qs = Project.objects.all() if projects is None else projects
    return qs.exclude(risk_grade=grade).update(risk_grade=grade)
