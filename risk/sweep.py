"""The set-based sweep: evaluate every enabled rule over all active projects, then reconcile hazards.

Query budget (fixed, whatever the number of projects): rule rows (locked), active projects, each rule's
own queries (the rules of one batch, RuleSpec.batch, share theirs: the five pay-line rules are one
statement) inside one savepoint pair, open hazards, then one bulk insert/update per kind of change with its
history rows, and one UPDATE of project grades.
"""

import contextlib
import datetime
import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Hazard, Project, RiskRule
from wagewatch.lib import law
from wagewatch.lib.copy import copy_rows
from wagewatch.lib.workdays import add_workdays_info

from .registry import BatchFunc, Finding
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


class NewHazard(NamedTuple):
    project_id: int
    rule_id: int
    severity: int
    department_id: int
    detail: str


@dataclass
class Changes:
    at: datetime.datetime  # when the sweep found them: new hazards' opened_at, closed ones' closed_at
    deadline: datetime.date  # new hazards' rectification deadline …
    calendar_complete: bool  # … and whether that year's holidays were known
    opened: list[NewHazard] = field(default_factory=list)
    changed: list[Hazard] = field(default_factory=list)  # pk, severity and detail only
    closed: list[int] = field(default_factory=list)  # ids


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
    return rated(rule, raw), failures


def rated(rule: RiskRule, raw: dict[int, Finding]) -> dict[int, Rated]:
    return {pid: Rated(sev or rule.severity, detail) for pid, (sev, detail) in raw.items()}


def evaluate(rules: list[RiskRule], projects: QuerySet[Project], today: datetime.date) -> Evaluation:
    """Run each rule; a rule that fails is logged and skipped, its hazards left as they are."""
    try:
        # one savepoint for all the rules (a savepoint pair per rule cost 28 round trips)
        with transaction.atomic():
            return _evaluate(rules, projects, today, isolate=False)
    except DatabaseError:
        # a rule's statement failed and poisoned the savepoint: again, each rule in its own savepoint
        return _evaluate(rules, projects, today, isolate=True)


def _batches(rules: list[RiskRule]) -> list[list[RiskRule]]:
    """The rules in order, those of one batch (RuleSpec.batch) together at the place of the first."""
    groups: list[list[RiskRule]] = []
    by_batch: dict[BatchFunc, list[RiskRule]] = {}
    for rule in rules:
        spec = REGISTRY.get(rule.code)
        if spec is None or spec.batch is None:
            groups.append([rule])
        elif spec.batch in by_batch:
            by_batch[spec.batch].append(rule)
        else:
            groups.append(by_batch.setdefault(spec.batch, [rule]))
    return groups


def _evaluate(
    rules: list[RiskRule], projects: QuerySet[Project], today: datetime.date, *, isolate: bool
) -> Evaluation:
    result = Evaluation()
    for group in _batches(rules):
        try:
            with transaction.atomic() if isolate else contextlib.nullcontext():
                found = _evaluate_group(group, projects, today)
        except Exception as exc:
            if isinstance(exc, DatabaseError) and not isolate:
                raise
            for rule in group:
                log.exception("risk rule %s failed", rule.code)
                error = f"{type(exc).__name__}: {exc}"
                result.errors.append({"rule": rule.code, "project": None, "error": error})
            continue
        for rule, (findings, failures) in zip(group, found, strict=True):
            result.findings[rule.pk] = findings
            result.skipped[rule.pk] = set(failures)
            result.errors.extend(
                {"rule": rule.code, "project": pid, "error": e} for pid, e in failures.items()
            )
    return result


def _evaluate_group(
    group: list[RiskRule], projects: QuerySet[Project], today: datetime.date
) -> list[tuple[dict[int, Rated], dict[int, str]]]:
    """Each rule's findings and failed projects: a rule alone, or the rules of one batch in one call."""
    batch = REGISTRY[group[0].code].batch if len(group) > 1 else None
    if batch is None:
        return [evaluate_rule(rule, projects, today) for rule in group]
    found = batch(projects, {rule.code: thresholds_of(rule) for rule in group}, today)
    return [(rated(rule, found[rule.code][0]), found[rule.code][1]) for rule in group]


def reconcile(
    evaluation: Evaluation, departments: dict[int, int], today: datetime.date, *, only_these: bool = False
) -> Changes:
    """Compare findings with the open hazards of the evaluated rules; returns unsaved changes.

    ``only_these``: the evaluation covered just the projects of ``departments`` (a sweep of one project),
    so the other projects' hazards are left alone. Open hazards are read as (key, severity, detail) rows,
    not model instances: a steady sweep compares sets and writes nothing.
    """
    deadline, complete = add_workdays_info(today, law.HAZARD_RECTIFY_WORKDAYS())
    changes = Changes(at=timezone.now(), deadline=deadline, calendar_complete=complete)
    open_hazards = Hazard.objects.filter(status=Hazard.Status.OPEN, rule_id__in=list(evaluation.findings))
    if only_these:
        open_hazards = open_hazards.filter(project_id__in=list(departments))
    seen: set[tuple[int, int]] = set()
    rows = open_hazards.order_by().values_list("pk", "rule_id", "project_id", "severity", "detail")
    for pk, rule_id, project_id, severity, detail in rows:
        seen.add((rule_id, project_id))
        finding = evaluation.findings[rule_id].get(project_id)
        if finding is None:
            if project_id not in evaluation.skipped[rule_id]:
                changes.closed.append(pk)
        elif finding != (severity, detail):  # a new level, or new workers behind it
            changes.changed.append(Hazard(pk=pk, severity=finding.severity, detail=finding.detail))
    for rule_id, found in evaluation.findings.items():
        for project_id, (severity, detail) in found.items():
            if (rule_id, project_id) in seen or project_id not in departments:
                continue
            changes.opened.append(NewHazard(project_id, rule_id, severity, departments[project_id], detail))
    return changes


# the columns a new hazard is written with (COPY); the others keep their defaults (open, not closed)
_NEW_COLUMNS = [*NewHazard._fields, "opened_at", "deadline", "calendar_complete", "status", "close_note"]
_NEW_COLUMNS.append("auto_closed")


def save_changes(changes: Changes, *, user: User | None = None) -> None:
    """Write the changes in a few set-based statements, each kind with its history rows (as
    django-simple-history writes them: ``+`` for a new hazard, ``~`` for a change)."""
    at = changes.at
    if changes.opened:
        _copy_new(changes)
        new = Hazard.objects.filter(status=Hazard.Status.OPEN, opened_at=at)
        _write_history(new.filter(rule_id__in={h.rule_id for h in changes.opened}), "+", at, user)
    if changes.changed:
        Hazard.objects.bulk_update(changes.changed, ["severity", "detail"])
        _write_history(Hazard.objects.filter(pk__in=[h.pk for h in changes.changed]), "~", at, user)
    if changes.closed:
        closed = Hazard.objects.filter(pk__in=changes.closed)
        note = _("信号消除，系统自动销号")
        closed.update(status=Hazard.Status.CLOSED, closed_at=at, auto_closed=True, close_note=note)
        _write_history(closed, "~", at, user)


def _copy_new(changes: Changes) -> None:
    ops = connection.ops
    common = (
        ops.adapt_datetimefield_value(changes.at),
        ops.adapt_datefield_value(changes.deadline),
        changes.calendar_complete,
        Hazard.Status.OPEN.value,
        "",  # close_note
        False,  # auto_closed
    )
    copy_rows(Hazard._meta.db_table, _NEW_COLUMNS, (h + common for h in changes.opened))


def _write_history(hazards: QuerySet[Hazard], kind: str, at: datetime.datetime, user: User | None) -> None:
    """One INSERT … SELECT of the hazards' historical rows (what bulk_history_create writes, without
    building a model instance per row)."""
    history = Hazard.history.model
    tracked = [f.attname for f in history.tracked_fields]
    select, params = hazards.order_by().values_list(*tracked).query.sql_with_params()
    ops = connection.ops
    names = ", ".join(ops.quote_name(c) for c in tracked)
    sql = (
        f"INSERT INTO {ops.quote_name(history._meta.db_table)} ({names}, history_date, history_type, "
        f"history_user_id) SELECT {names}, %s, %s, %s FROM ({select}) AS tracked"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ops.adapt_datetimefield_value(at), kind, user.pk if user else None, *params])


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
