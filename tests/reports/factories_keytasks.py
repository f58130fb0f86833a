"""Factories for key-task tests (plain functions)."""

import datetime

from django.utils import timezone

from reports.models import KeyTask, TaskAssignment, TaskProgress


def make_task(
    *, departments=(), townships=(), days=10, status=KeyTask.Status.OPEN, title="重点任务", **extra
):
    """A task due in ``days`` days, assigned to the given units (without going through the services)."""
    task = KeyTask.objects.create(
        title=title,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        status=status,
        done_at=timezone.now() if status == KeyTask.Status.DONE else None,
        **extra,
    )
    for d in departments:
        TaskAssignment.objects.create(task=task, department=d)
    for t in townships:
        TaskAssignment.objects.create(task=task, township=t)
    return task


def make_progress(assignment, *, text="进展", days_ago=0, **extra):
    on = timezone.localdate() - datetime.timedelta(days=days_ago)
    return TaskProgress.objects.create(assignment=assignment, text=text, on=on, **extra)
