"""Celery tasks of the deposits app (thin: call a service; safe to run twice — notify is once per event)."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def remind_expiring_guarantees(today: str | None = None) -> int:
    """Daily: guarantee letters ending within a month."""
    return services.guarantee_expiry_remind(on=_day(today))


@shared_task
def remind_overdue_returns(today: str | None = None) -> int:
    """Daily: return-workflow steps past their deadline."""
    return services.return_overdue_remind(on=_day(today))
