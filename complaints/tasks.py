"""Celery tasks of the complaints app (thin: call a service)."""

import datetime

from celery import shared_task
from celery.schedules import crontab

from . import services

# For the lead to merge into CELERY_BEAT_SCHEDULE (settings.py).
BEAT = {
    "complaints-mark-case-deadlines": {
        "task": "complaints.tasks.mark_case_deadlines",
        "schedule": crontab(hour=1, minute=10),
    },
}


@shared_task
def mark_case_deadlines(today: str | None = None) -> dict:
    """Nightly: mark open cases due soon / overdue (idempotent)."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.mark_deadlines(today=day)
