"""Celery tasks of the reports app (thin: call a service)."""

import datetime

from celery import shared_task
from celery.schedules import crontab

from . import keytasks

# For the lead to merge into CELERY_BEAT_SCHEDULE (settings.py).
BEAT = {
    "reports-notify-task-deadlines": {
        "task": "reports.tasks.notify_task_deadlines",
        "schedule": crontab(hour=7, minute=30),
    },
}


@shared_task
def notify_task_deadlines(today: str | None = None) -> int:
    """Daily: warn units and the office of key tasks due soon or overdue (idempotent)."""
    day = datetime.date.fromisoformat(today) if today else None
    return keytasks.task_notify_deadlines(today=day)
