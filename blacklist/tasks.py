"""Celery tasks of the blacklist app (thin: call a service; both are safe to run twice)."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def blacklist_expire_due(today: str | None = None) -> int:
    """Nightly: mark entries whose three years ran out as expired (pages filter by date anyway)."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.blacklist_expire_due(on=day)


@shared_task
def grade_compute_year(year: int | None = None) -> int:
    """Yearly (1 January): grade every enterprise for the year just ended; overrides are kept."""
    return services.grade_compute_year(year=year or timezone.localdate().year - 1)
