"""Celery tasks of the complaints app (thin: call a service)."""

import datetime

from celery import shared_task

from . import enforcement, services


@shared_task
def mark_case_deadlines(today: str | None = None) -> dict:
    """Nightly: mark open cases due soon / overdue (idempotent)."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.mark_deadlines(today=day)


@shared_task
def notify_order_deadlines(today: str | None = None) -> int:
    """Daily: remind about orders due within 3 days or past due (one message per event; idempotent)."""
    day = datetime.date.fromisoformat(today) if today else None
    return enforcement.notify_order_deadlines(today=day)
