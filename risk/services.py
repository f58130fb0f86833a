"""Writes of the risk sweep: rule rows, sweep runs and hazard close-out (销号)."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Hazard, Project, RiskRule, SweepRun
from wagewatch.accounts import generations, jobs, roles
from wagewatch.accounts.access import may_work_in
from wagewatch.accounts.models import JobStatus
from wagewatch.lib import law, rawsql
from wagewatch.lib.bounds import check_step_day, step_moment
from wagewatch.lib.workdays import add_workdays_info, rewrite_changed, spans_year

from . import sweep
from .rules import REGISTRY


def risk_rules_sync() -> int:
    """Create the RiskRule rows of registered rules that have none yet; returns how many were added."""
    existing = set(RiskRule.objects.values_list("code", flat=True))
    missing = [
        RiskRule(
            code=spec.code,
            name=str(spec.name),
            description=str(spec.description),
            severity=spec.severity,
            thresholds=dict(spec.thresholds),
            sort=spec.sort,
        )
        for spec in REGISTRY.values()
        if spec.code not in existing
    ]
    if missing:
        RiskRule.objects.bulk_create(missing, ignore_conflicts=True)  # a concurrent sync may win
    return len(missing)


def sweep_run(*, run: SweepRun, today: datetime.date | None = None) -> SweepRun:
    """Evaluate every enabled rule over the active projects, reconcile hazards and grades, record counts."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # JIT off for the sweep's transaction: the rules' correlated subqueries over every project are
        # estimated above jit_above_cost, and compiling them cost 0.3–0.6 s each (measured at 10,000
        # projects, bench/risk_sweep.py) for queries that run in 0.05–0.2 s without it
        rawsql.no_jit()
        rules = _enabled_rules()
        projects = Project.objects.active_on(today).order_by()  # no ORDER BY in the rules' queries
        departments = dict(projects.values_list("pk", "department_id"))
        evaluation = sweep.evaluate(rules, projects, today)
        changes = sweep.reconcile(evaluation, departments, today)
        sweep.save_changes(changes)
        sweep.update_grades()
        run.projects_checked = len(departments)
        run.hazards_opened = len(changes.opened)
        run.hazards_changed = len(changes.changed)
        run.hazards_closed = len(changes.closed)
        run.errors = evaluation.errors
        fields = ["projects_checked", "hazards_opened", "hazards_changed", "hazards_closed", "errors"]
        SweepRun.objects.filter(pk=run.pk).update(**{f: getattr(run, f) for f in fields})
    return run


def _enabled_rules() -> list[RiskRule]:
    """The enabled rule rows, locked (this serialises concurrent sweeps and keeps re-runs idempotent); a
    registered rule without its row gets one first."""
    rows = list(RiskRule.objects.select_for_update().order_by("sort", "code"))
    if not REGISTRY.keys() <= {r.code for r in rows}:
        risk_rules_sync()
        rows = list(RiskRule.objects.select_for_update().order_by("sort", "code"))
    return [r for r in rows if r.enabled]


def may_sweep_project(user: User, project: Project) -> bool:
    """Office/admin, or an inspector of the project's township."""
    return may_work_in(user, project.township_id)


def sweep_project(*, project: Project, user: User, today: datetime.date | None = None) -> sweep.Changes:
    """Run every enabled rule for one project now (on demand) and reconcile its hazards and grade."""
    if not may_sweep_project(user, project):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        # the rule rows' lock serialises this with a county sweep, as two county sweeps are
        rules = _enabled_rules()
        projects = Project.objects.active_on(today).filter(pk=project.pk).order_by()
        departments = dict(projects.values_list("pk", "department_id"))
        evaluation = sweep.evaluate(rules, projects, today)
        changes = sweep.reconcile(evaluation, departments, today, only_these=True)
        sweep.save_changes(changes, user=user)
        sweep.update_grades(Project.objects.filter(pk=project.pk))
        # the hazards and the grade were written in bulk, without signals: the cached pages of its township
        generations.invalidate([project.township_id])
    return changes


def sweep_request(*, user: User | None = None, trigger: str = SweepRun.Trigger.MANUAL) -> SweepRun:
    """Queue a sweep (a row, then the task after commit); refused while another one is queued or running."""
    if trigger == SweepRun.Trigger.MANUAL and not roles.is_office(user):
        raise PermissionDenied
    with transaction.atomic():
        busy = SweepRun.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()
        if busy and trigger == SweepRun.Trigger.MANUAL:
            raise ValidationError(_("已有一次隐患排查正在进行，请稍后刷新查看结果"))
        run = SweepRun.objects.create(trigger=trigger, created_by=user)
        jobs.job_dispatch(run)
    return run


def may_close(user: User, hazard: Hazard) -> bool:
    """Office/admin, the inspector of the project's township, or a user of the hazard's department."""
    if roles.is_office(user):
        return True
    profile = roles.profile_of(user)
    if profile is None:
        return False
    if roles.is_inspector(user):
        return profile.townships.filter(pk=hazard.project.township_id).exists()
    return roles.is_department(user) and profile.department_id == hazard.department_id


def hazard_close(*, hazard: Hazard, user: User, note: str, on: datetime.date | None = None) -> Hazard:
    """Close (销号) an open hazard with a note on its real day ``on`` (default today; not in the future, not
    before the day it was found); refused while its rule still fires on fresh data."""
    if not may_close(user, hazard):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写销号说明"))
    today = timezone.localdate()
    on = on or today
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().select_related("rule").get(pk=hazard.pk)
        if hazard.status != Hazard.Status.OPEN:
            raise ValidationError(_("该隐患已销号"))
        check_step_day(on, steps=[("opened", timezone.localdate(hazard.opened_at))], name="on")
        projects = Project.objects.active_on(today).filter(pk=hazard.project_id)
        found, failures = sweep.evaluate_rule(hazard.rule, projects, today)
        if hazard.project_id in failures:
            raise ValidationError(_("暂时无法复核该隐患的预警信号，请稍后再试"))
        if hazard.project_id in found:
            raise ValidationError(
                _("该隐患的预警信号仍然存在，不能销号：%(d)s") % {"d": found[hazard.project_id][1]}
            )
        hazard.status, hazard.closed_at, hazard.closed_by = Hazard.Status.CLOSED, step_moment(on), user
        hazard.close_note, hazard.auto_closed = note, False
        hazard._history_user = user
        hazard.save()
        sweep.update_grades(Project.objects.filter(pk=hazard.project_id))
    return hazard


def hazard_open(
    *,
    project: Project,
    rule: RiskRule,
    user: User,
    found_on: datetime.date,
    detail: str = "",
    severity: int | None = None,
) -> Hazard:
    """Record a hazard found by hand (at an inspection, or held before go-live) on its real day
    ``found_on`` (never ahead of today): its rectification deadline counts from that day; one open hazard
    per (project, rule). The sweep closes it, as any other, once its rule no longer fires."""
    if not may_work_in(user, project.township_id):
        raise PermissionDenied
    check_step_day(found_on, name="found_on")
    deadline, complete = add_workdays_info(found_on, law.HAZARD_RECTIFY_WORKDAYS())
    hazard = Hazard(
        project=project,
        rule=rule,
        severity=severity or rule.severity,
        department_id=project.department_id,
        detail=(detail or "").strip(),
        opened_at=step_moment(found_on),
        deadline=deadline,
        calendar_complete=complete,
    )
    hazard._history_user = user
    try:
        with transaction.atomic():
            hazard.save()
            sweep.update_grades(Project.objects.filter(pk=project.pk))
    except IntegrityError as exc:  # the partial unique index: one open hazard per (project, rule)
        raise ValidationError({"rule": _("该项目已有此规则的未销号隐患")}) from exc
    return hazard


def hazard_deadlines_recompute(year: int | None = None) -> int:
    """Recompute rectification deadlines stored without holiday data covering ``year``: bulk write."""
    days = law.HAZARD_RECTIFY_WORKDAYS()
    flagged = Hazard.objects.filter(spans_year(year, start="opened_at__date", dues=("deadline",)))

    def again(hazard: Hazard) -> None:  # the sweep counts from the day it found the hazard
        hazard.deadline, hazard.calendar_complete = add_workdays_info(
            timezone.localdate(hazard.opened_at), days
        )

    fields = ["deadline", "calendar_complete"]
    return rewrite_changed(flagged, fields, again)
