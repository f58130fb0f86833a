import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports import keytasks
from reports.models import KeyTask, TaskAssignment
from reports.tasks import notify_task_deadlines
from wagewatch.accounts.models import Notification

from .factories_keytasks import make_progress, make_task

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 10)
S = TaskAssignment.Status


def _create(user, **extra):
    values = {"user": user, "title": "清理政府投资项目欠款", "deadline": TODAY + datetime.timedelta(days=10)}
    values.update(extra)
    return keytasks.task_create(**values)


def test_office_creates_task_for_departments_and_townships(office, department, township_a):
    task = _create(office, departments=[department], townships=[township_a], lead_person="王主任")
    units = {str(a.unit) for a in task.assignments.all()}
    assert units == {department.name, township_a.name}
    assert task.created_by == office and task.status == KeyTask.Status.OPEN
    assert task.history.count() == 1


@pytest.mark.parametrize("who", ["dept_user", "inspector_a"])
def test_only_office_and_admin_create(request, who, department):
    with pytest.raises(PermissionDenied):
        _create(request.getfixturevalue(who), departments=[department])


def test_task_needs_a_unit(admin):
    with pytest.raises(ValidationError):
        _create(admin)


def test_assignment_has_exactly_one_unit(department, township_a):
    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskAssignment.objects.create(task=task, department=department, township=township_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskAssignment.objects.create(task=task)


def test_department_reports_only_own_assignment(dept_user, department, other_department):
    task = make_task(departments=[department, other_department])
    own, other = task.assignments.order_by("department__code")
    own, other = (own, other) if own.department == department else (other, own)
    keytasks.progress_report(assignment=own, user=dept_user, text="已完成排查", on=timezone.localdate())
    own.refresh_from_db()
    assert own.status == S.REPORTED
    with pytest.raises(PermissionDenied):
        keytasks.progress_report(assignment=other, user=dept_user, text="x", on=timezone.localdate())


def test_inspector_reports_for_own_township_only(inspector_a, township_a, township_b):
    task = make_task(townships=[township_a, township_b])
    mine = task.assignments.get(township=township_a)
    keytasks.progress_report(assignment=mine, user=inspector_a, text="已约谈", on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        keytasks.progress_report(
            assignment=task.assignments.get(township=township_b),
            user=inspector_a,
            text="x",
            on=timezone.localdate(),
        )


def test_office_clerk_does_not_report_progress(office_clerk, department):
    task = make_task(departments=[department])
    with pytest.raises(PermissionDenied):
        keytasks.progress_report(
            assignment=task.assignments.get(), user=office_clerk, text="x", on=timezone.localdate()
        )


def test_task_done_when_all_units_accepted_and_returned_on_send_back(
    office, dept_user, department, township_a
):
    task = make_task(departments=[department], townships=[township_a])
    dept_a, town_a = task.assignments.get(department=department), task.assignments.get(township=township_a)
    for a in (dept_a, town_a):
        make_progress(a)
        TaskAssignment.objects.filter(pk=a.pk).update(status=S.REPORTED)
    keytasks.assignment_accept(assignment=dept_a, user=office)
    task.refresh_from_db()
    assert task.status == KeyTask.Status.OPEN
    keytasks.assignment_accept(assignment=town_a, user=office, note="同意")
    task.refresh_from_db()
    assert task.status == KeyTask.Status.DONE and task.done_at is not None
    keytasks.assignment_return(assignment=town_a, user=office, note="佐证材料不全")
    task.refresh_from_db()
    town_a.refresh_from_db()
    assert task.status == KeyTask.Status.RETURNED and task.done_at is None
    assert town_a.review_note == "佐证材料不全" and town_a.reviewed_by == office


def test_resubmission_after_send_back_reopens_the_task(admin, department):
    task = make_task(departments=[department])
    a = task.assignments.get()
    keytasks.progress_report(assignment=a, user=admin, text="完成", on=timezone.localdate())
    keytasks.assignment_return(assignment=a, user=admin, note="补充材料")
    assert KeyTask.objects.get().status == KeyTask.Status.RETURNED
    keytasks.progress_report(assignment=a, user=admin, text="已补充", on=timezone.localdate())
    assert KeyTask.objects.get().status == KeyTask.Status.OPEN


@pytest.mark.parametrize("who", ["dept_user", "inspector_a"])
def test_only_office_accepts_or_sends_back(request, who, department):
    task = make_task(departments=[department])
    a = task.assignments.get()
    TaskAssignment.objects.filter(pk=a.pk).update(status=S.REPORTED)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        keytasks.assignment_accept(assignment=a, user=user)
    with pytest.raises(PermissionDenied):
        keytasks.assignment_return(assignment=a, user=user, note="退回")


def test_send_back_needs_a_note_and_accept_needs_a_report(office, department):
    a = make_task(departments=[department]).assignments.get()
    with pytest.raises(ValidationError):
        keytasks.assignment_accept(assignment=a, user=office)
    TaskAssignment.objects.filter(pk=a.pk).update(status=S.REPORTED)
    with pytest.raises(ValidationError):
        keytasks.assignment_return(assignment=a, user=office, note="  ")


def test_edit_cannot_remove_a_unit_that_reported(office, department, other_department):
    task = _create(office, departments=[department, other_department])
    make_progress(task.assignments.get(department=department))
    keytasks.task_update(task=task, user=office, departments=[department], townships=[], title="新标题")
    assert list(task.assignments.values_list("department", flat=True)) == [department.pk]
    with pytest.raises(ValidationError):
        keytasks.task_update(task=task, user=office, departments=[other_department], townships=[])


def _due_setup(department, township_a, days):
    task = make_task(departments=[department], townships=[township_a], days=days)
    return task


def test_deadline_notifications_are_sent_once(
    office, dept_user, inspector_a, inspector_b, department, township_a
):
    today = timezone.localdate()
    soon = _due_setup(department, township_a, days=2)
    late = make_task(departments=[department], days=-1, title="超期任务")
    make_task(departments=[department], days=10, title="尚早")
    make_task(departments=[department], days=-3, status=KeyTask.Status.DONE, title="已办结")
    sent = keytasks.task_notify_deadlines(today=today)
    # soon: office + dept_user + inspector_a; late: office + dept_user
    assert sent == 5
    keys = set(Notification.objects.values_list("user__username", "event_key"))
    assert ("dept_user", f"task:{late.pk}:overdue:{late.deadline.isoformat()}") in keys
    assert ("inspector_a", f"task:{soon.pk}:due-soon:{soon.deadline.isoformat()}") in keys
    assert not Notification.objects.filter(user=inspector_b).exists()
    # re-running (also through the Celery task) sends nothing new
    assert keytasks.task_notify_deadlines(today=today) == 0
    assert notify_task_deadlines(today.isoformat()) == 0
    assert Notification.objects.count() == 5


def test_accepted_units_are_not_warned(office, dept_user, department, other_department):
    task = make_task(departments=[department, other_department], days=-1)
    task.assignments.filter(department=department).update(status=S.ACCEPTED)
    keytasks.task_notify_deadlines()
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"office"}


def test_beat_entry_names_the_task():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["reports-notify-task-deadlines"]
    assert entry["task"] == "reports.tasks.notify_task_deadlines"


def test_progress_summary_per_task_and_unit(office, dept_user, department, other_department, township_a):
    task = make_task(departments=[department, other_department], townships=[township_a])
    a = task.assignments.get(department=department)
    make_progress(a, text="旧进展", days_ago=5)
    make_progress(a, text="新进展", days_ago=1)
    make_progress(a, text="未来", days_ago=-3)  # after the range end: not shown
    today = timezone.localdate()
    rows = keytasks.task_progress_summary(user=office, start=today - datetime.timedelta(days=7), end=today)
    assert len(rows) == 3
    row = next(r for r in rows if r["unit"] == department.name)
    assert row["latest_text"] == "新进展" and row["status"] == S.PENDING.label
    mine = keytasks.task_progress_summary(user=dept_user, start=today - datetime.timedelta(days=7), end=today)
    assert [r["unit"] for r in mine] == [department.name]


def test_progress_summary_leaves_out_tasks_done_before_the_range(office, department):
    make_task(departments=[department], status=KeyTask.Status.DONE)
    today = timezone.localdate()
    KeyTask.objects.update(done_at=timezone.now() - datetime.timedelta(days=30))
    assert (
        keytasks.task_progress_summary(user=office, start=today - datetime.timedelta(days=7), end=today) == []
    )


@pytest.mark.parametrize("n", [2, 50])
def test_progress_summary_query_count_is_constant(
    n, office, department, township_a, django_assert_num_queries
):
    for i in range(n):
        task = make_task(departments=[department], townships=[township_a], title=f"任务{i}")
        make_progress(task.assignments.first())
    today = timezone.localdate()
    office = type(office).objects.get(pk=office.pk)
    # 1 profile (role), 2 assignments with task, units and latest progress (subqueries)
    with django_assert_num_queries(2):
        rows = keytasks.task_progress_summary(user=office, start=today, end=today)
    assert len(rows) == 2 * n
