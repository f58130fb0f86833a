"""Key tasks (重点工作任务清单): writes and reads.

Who may do what (DESIGN §1): office staff and admins create, edit, accept and send back; department users
report progress on their department's assignments; inspectors see the tasks of their townships and report
progress on their townships' assignments (a township has no account of its own: its inspector answers for
it); admins do everything. Progress text and attachments are seen only by the unit that wrote them, the
office and admins.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.accounts import roles
from wagewatch.accounts.models import Department, Role, Township
from wagewatch.accounts.notifications import notify, recipients
from wagewatch.lib import config

from .filters import TaskFilter
from .models import KeyTask, TaskAssignment, TaskProgress

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Latest(TypedDict):
    """The latest progress a task or a unit's assignment is annotated with."""

    latest_on: datetime.date | None
    latest_text: str | None


A = TaskAssignment.Status


def due_soon_days() -> int:
    return config.TASK_DUE_SOON_DAYS()


# permissions ----------------------------------------------------------------------------------------------


def may_manage(user) -> bool:
    """Create, edit, accept and send back: office staff and admins."""
    return roles.is_office(user)


def may_report(user, assignment: TaskAssignment) -> bool:
    """Report progress: admins on any assignment; department users and inspectors on their own units'."""
    role = roles.role_of(user)
    if role == Role.ADMIN:
        return True
    if role not in (Role.DEPARTMENT, Role.INSPECTOR):
        return False
    return TaskAssignment.objects.visible_to(user).filter(pk=assignment.pk).exists()


def _require_manager(user) -> None:
    if not may_manage(user):
        raise PermissionDenied


# writes ---------------------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    user,
    title: str,
    deadline: datetime.date,
    departments: Iterable[Department] = (),
    townships: Iterable[Township] = (),
    description: str = "",
    source: str = KeyTask.Source.JOINT_MEETING,
    lead_person: str = "",
) -> KeyTask:
    """Create a task and assign it to one or more departments and/or townships."""
    _require_manager(user)
    task = KeyTask(
        title=title, description=description, source=source, deadline=deadline, lead_person=lead_person
    )
    task.created_by = user
    task._history_user = user
    task.save()
    _assignments_set(task=task, departments=departments, townships=townships)
    return task


@transaction.atomic
def task_update(
    *, task: KeyTask, user, departments: Iterable[Department], townships: Iterable[Township], **fields
) -> KeyTask:
    """Edit a task's fields and units; a unit that already reported progress cannot be removed."""
    _require_manager(user)
    for name in ("title", "description", "source", "deadline", "lead_person"):
        if name in fields:
            setattr(task, name, fields[name])
    task._history_user = user
    task.save()
    _assignments_set(task=task, departments=departments, townships=townships)
    task_sync_status(task=task, user=user)
    return task


def _assignments_set(*, task: KeyTask, departments, townships) -> None:
    wanted = {("d", d.pk) for d in departments} | {("t", t.pk) for t in townships}
    if not wanted:
        raise ValidationError(_("请至少选择一个责任单位"))
    have = {
        ("d", a.department_id) if a.department_id else ("t", a.township_id): a for a in task.assignments.all()
    }
    for key, assignment in have.items():
        if key not in wanted:
            if assignment.progress.exists():
                raise ValidationError(_("%(u)s 已报送进展，不能移除") % {"u": assignment.unit})
            assignment.delete()
    TaskAssignment.objects.bulk_create(
        TaskAssignment(task=task, **({"department_id": pk} if kind == "d" else {"township_id": pk}))
        for kind, pk in sorted(wanted - have.keys())
    )


def task_sync_status(*, task: KeyTask, user) -> KeyTask:
    """Done when every assignment is accepted; sent back while any is returned; open otherwise."""
    statuses = set(task.assignments.values_list("status", flat=True))
    if statuses and statuses == {A.ACCEPTED}:
        status = KeyTask.Status.DONE
    elif A.RETURNED in statuses:
        status = KeyTask.Status.RETURNED
    else:
        status = KeyTask.Status.OPEN
    if status != task.status:
        task.status = status
        task.done_at = timezone.now() if status == KeyTask.Status.DONE else None
        task._history_user = user
        task.save(update_fields=["status", "done_at"])
    return task


@transaction.atomic
def progress_report(
    *, assignment: TaskAssignment, user, text: str, on: datetime.date, attachment=None
) -> TaskProgress:
    """A unit reports progress (text, date, optional attachment); the assignment becomes 'reported'."""
    if not may_report(user, assignment):
        raise PermissionDenied
    assignment = TaskAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status == A.ACCEPTED:
        raise ValidationError(_("该单位的任务已办结，无需再报送"))
    if on > timezone.localdate():
        raise ValidationError(_("报送日期不能晚于今天"))
    progress = TaskProgress(assignment=assignment, text=text, on=on, reported_by=user)
    if attachment:
        progress.attachment = attachment
    progress._history_user = user
    progress.save()
    _assignment_set_status(assignment=assignment, user=user, status=A.REPORTED)
    return progress


@transaction.atomic
def assignment_accept(*, assignment: TaskAssignment, user, note: str = "") -> TaskAssignment:
    """The office accepts a unit's work as done; the task is done when all units are accepted."""
    _require_manager(user)
    assignment = TaskAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != A.REPORTED:
        raise ValidationError(_("只能对已报送进展的单位办结"))
    return _assignment_set_status(assignment=assignment, user=user, status=A.ACCEPTED, note=note)


@transaction.atomic
def assignment_return(*, assignment: TaskAssignment, user, note: str) -> TaskAssignment:
    """The office sends a unit's work back with a note (also re-opens an accepted one)."""
    _require_manager(user)
    if not note.strip():
        raise ValidationError(_("退回须填写意见"))
    assignment = TaskAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in (A.REPORTED, A.ACCEPTED):
        raise ValidationError(_("只能退回已报送或已办结的单位"))
    return _assignment_set_status(assignment=assignment, user=user, status=A.RETURNED, note=note)


def _assignment_set_status(*, assignment: TaskAssignment, user, status: str, note: str | None = None):
    assignment.status = status
    if note is not None:
        assignment.review_note = note
        assignment.reviewed_by = user
        assignment.reviewed_at = timezone.now()
    assignment._history_user = user
    assignment.save()
    task_sync_status(task=assignment.task, user=user)
    return assignment


# reads ----------------------------------------------------------------------------------------------------


def _latest_progress(user, field: str):
    visible = TaskProgress.objects.visible_to(user).filter(assignment__task=OuterRef("pk"))
    return Subquery(visible.order_by("-on", "-created_at", "-pk").values(field)[:1])


def task_list(*, user, filters: dict | None = None) -> "QuerySet[WithAnnotations[KeyTask, Latest]]":
    """Tasks this user may see, filtered, with their units and the latest progress he may read."""
    qs = TaskFilter.apply(KeyTask.objects.visible_to(user), filters or {})
    units = TaskAssignment.objects.select_related("department", "township")
    return qs.annotate(
        latest_on=_latest_progress(user, "on"), latest_text=_latest_progress(user, "text")
    ).prefetch_related(Prefetch("assignments", queryset=units))


def assignment_list(*, task: KeyTask) -> list[TaskAssignment]:
    """The task's units with their review data."""
    return list(task.assignments.select_related("department", "township", "reviewed_by"))


def progress_list(*, user, task: KeyTask) -> QuerySet[TaskProgress]:
    """Progress timeline of the task, limited to what this user may read."""
    return (
        TaskProgress.objects.visible_to(user)
        .filter(assignment__task=task)
        .select_related("assignment__department", "assignment__township", "reported_by")
    )


def reportable_ids(*, user, task: KeyTask) -> set[int]:
    """Ids of the task's assignments this user may report progress on now."""
    role = roles.role_of(user)
    if role not in (Role.ADMIN, Role.DEPARTMENT, Role.INSPECTOR):
        return set()
    qs = TaskAssignment.objects.visible_to(user).filter(task=task).exclude(status=A.ACCEPTED)
    return set(qs.values_list("pk", flat=True))


def task_progress_summary(*, user, start: datetime.date, end: datetime.date) -> list[dict]:
    """For the weekly dispatch: per task and unit, the status and the latest progress up to ``end``.

    Rows: the visible tasks created by ``end`` and not done before ``start``; one query.
    """
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    latest = TaskProgress.objects.filter(assignment=OuterRef("pk"), on__lte=end).order_by(
        "-on", "-created_at", "-pk"
    )
    rows = (
        TaskAssignment.objects.visible_to(user)
        .filter(task__created_at__lte=until)
        .exclude(task__done_at__lt=since)
        .select_related("task", "department", "township")
        .annotate(
            latest_on=Subquery(latest.values("on")[:1]),
            latest_text=Subquery(latest.values("text")[:1]),
        )
        .order_by("task__deadline", "task_id", "department__sort", "township__sort", "pk")
    )
    return [_summary_row(a, end) for a in rows]


def _summary_row(a: "WithAnnotations[TaskAssignment, Latest]", end: datetime.date) -> dict:
    task = a.task
    return {
        "task_id": task.pk,
        "title": task.title,
        "deadline": task.deadline,
        "task_status": task.get_status_display(),
        "overdue": a.status != A.ACCEPTED and task.deadline < end,
        "unit": str(a.unit),
        "status": a.get_status_display(),
        "latest_on": a.latest_on,
        "latest_text": a.latest_text or "",
    }


# deadline notifications -----------------------------------------------------------------------------------


def task_notify_deadlines(*, today: datetime.date | None = None) -> int:
    """Warn open units and the office of tasks due within N days or overdue; a re-run sends nothing new."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=due_soon_days())
    office = list(recipients(roles=[Role.OFFICE]))
    tasks = (
        KeyTask.objects.exclude(status=KeyTask.Status.DONE)
        .filter(deadline__lte=horizon)
        .prefetch_related(Prefetch("assignments", queryset=TaskAssignment.objects.exclude(status=A.ACCEPTED)))
    )
    sent = 0
    for task in tasks:
        sent += _notify_task(task=task, today=today, office=office)
    return sent


def _notify_task(*, task: KeyTask, today: datetime.date, office: list) -> int:
    overdue = task.deadline < today
    # the deadline is part of the key: a task given a new deadline is warned again
    event = f"task:{task.pk}:{'overdue' if overdue else 'due-soon'}:{task.deadline.isoformat()}"
    title = (_("重点任务已超期：%(t)s") if overdue else _("重点任务即将到期：%(t)s")) % {"t": task.title}
    body = _("完成时限 %(d)s。") % {"d": task.deadline.isoformat()}
    users = {u.pk: u for u in office}
    for a in task.assignments.all():
        unit_users = recipients(
            roles=[Role.DEPARTMENT, Role.INSPECTOR], department=a.department_id, township=a.township_id
        )
        users.update({u.pk: u for u in unit_users})
    url = reverse("reports:task_detail", args=[task.pk])
    return notify(users=users.values(), event_key=event, title=title, body=body, url=url)
